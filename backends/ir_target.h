// `--target ir`: the IR itself, as `ir.json`.
#pragma once

#include "backends/output.h"
#include "ir/ir.h"

namespace wdsl {

auto EmitIr(const ir::Program& program) -> OutputFiles;

}  // namespace wdsl
