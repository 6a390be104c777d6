//! Man pages from the command-line definition: the main page, and one page per subcommand
//! it lists, so that every page it names exists.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The definition the pages describe: without clap's `help` subcommand, which has no page
/// (`--help` is listed on every page).
fn pages_of(cli: clap::Command) -> clap::Command {
    let mut cli = cli.disable_help_subcommand(true);
    cli.build();
    cli
}

/// Writes the main page (roff) of `cli`: what `collateral-audit man` prints.
pub fn write_main(cli: clap::Command, out: &mut dyn Write) -> Result<()> {
    clap_mangen::Man::new(pages_of(cli)).render(out)?;
    Ok(())
}

/// Writes the main page and one page per subcommand into `dir` (created if missing), named
/// as the main page names them (`collateral-audit.1`, `collateral-audit-summary.1`...);
/// a subcommand's page refers back to the main one. Returns the files written, main first.
pub fn write_all(cli: clap::Command, dir: &Path) -> Result<Vec<PathBuf>> {
    let cli = pages_of(cli);
    let cannot = || format!("{}: cannot write the man pages there", dir.display());
    std::fs::create_dir_all(dir).with_context(cannot)?;
    let main = clap_mangen::Man::new(cli.clone());
    let mut written = vec![main.generate_to(dir).with_context(cannot)?];
    let main_ref = format!("{}(1)", escape(cli.get_name()));
    let source = format!(
        "{} {}",
        cli.get_name(),
        cli.get_version().unwrap_or_default()
    );
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        let page = clap_mangen::Man::new(sub.clone()).source(source.clone());
        let mut roff = Vec::new();
        page.render(&mut roff)?;
        writeln!(roff, ".SH \"SEE ALSO\"\n{main_ref}")?;
        let path = dir.join(page.get_filename());
        std::fs::write(&path, roff).with_context(|| format!("{}: cannot write", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// A name as roff text: a `-` is written `\-` (as clap_mangen writes names).
fn escape(name: &str) -> String {
    name.replace('-', "\\-")
}
