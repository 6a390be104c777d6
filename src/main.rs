//! The `collateral-audit` binary: parse arguments, run the library, map errors to exit codes.

use clap::Parser;
use collateral_audit::cli::Cli;
use collateral_audit::error::Exit;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    collateral_audit::heap::map_large_blocks();
    collateral_audit::heap::leave_results_to_exit();
    let mut cli = Cli::parse();
    let now = chrono::Utc::now().timestamp_millis();
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let result = collateral_audit::settings::apply(&mut cli)
        .and_then(|()| collateral_audit::commands::run(&cli, now, &mut out))
        .and_then(|code| out.flush().map(|_| code).map_err(Into::into));
    match result {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(err) => {
            let exit = Exit::of_error(&err);
            if exit != Exit::Success {
                collateral_audit::messages::error(format_args!("{err:#}"));
            }
            ExitCode::from(exit.code())
        }
    }
}
