#include "backends/ir_target.h"

#include "ir/json.h"

namespace wdsl {

auto EmitIr(const ir::Program& program) -> OutputFiles {
  return OutputFiles{{"ir.json", ir::ToJson(program).dump(2) + "\n"}};
}

}  // namespace wdsl
