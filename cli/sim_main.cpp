// wdsl-sim: `wdsl run` and `wdsl test`, which `wdsl` execs (sim_commands.h).
#include <CLI/CLI.hpp>

#include "cli/driver.h"
#include "cli/sim_commands.h"

auto main(int argc, char** argv) -> int {
  wdsl::TuneAllocator();
  CLI::App app{"wdsl-sim: the simulator half of wdsl (run it as `wdsl run`, `test`, `logs` or `exec`)"};
  app.set_version_flag("--version", std::string("wdsl ") + WDSL_VERSION);
  app.require_subcommand(1);
  wdsl::RunCommandOptions run_options;
  wdsl::TestCommandOptions test_options;
  wdsl::OtherSimOptions other;
  wdsl::SimCommands commands = wdsl::AddSimCommands(app, run_options, test_options, other);
  CLI11_PARSE(app, argc, argv);
  if (*commands.run) return wdsl::RunSimCommand(run_options);
  if (*commands.logs) return wdsl::RunLogsCommand(other.logs);
  if (*commands.exec) return wdsl::RunExecCommand(other.exec);
  return wdsl::RunTestCommand(test_options);
}
