//! Writing a document to `--out FILE` so that nobody ever sees half of it: the document goes
//! to a temporary file beside the target, which is renamed over it only once complete. A full
//! disk, a kill or an error leaves the previous file as it was.

use crate::input::identity::file_id;
use crate::input::source::InputPath;
use crate::input_error;
use anyhow::Result;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes what `write` produces to `path`, atomically; refuses a `path` that is one of `inputs`.
pub fn write_file(
    path: &str,
    inputs: &[&InputPath],
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    refuse_input(path, inputs)?;
    let cannot = |e: &dyn std::fmt::Display| input_error!("--out {path}: cannot write: {e}");
    let target = Path::new(path);
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".collateral-audit-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| cannot(&e))?;
    {
        let mut writer = BufWriter::new(temporary.as_file_mut());
        write(&mut writer).map_err(|e| cannot(&format!("{e:#}")))?;
        writer.flush().map_err(|e| cannot(&e))?;
    }
    temporary.as_file().sync_all().map_err(|e| cannot(&e))?;
    keep_permissions(target, temporary.as_file());
    temporary.persist(target).map_err(|e| cannot(&e.error))?;
    Ok(())
}

/// `--out` naming an input would destroy it before (or while) it is read.
pub fn refuse_input(path: &str, inputs: &[&InputPath]) -> Result<()> {
    let target = file_id(path);
    for input in inputs {
        let same = input.path == path || target.is_some() && file_id(&input.path) == target;
        if same && !input.is_stdin() {
            return Err(input_error!(
                "--out {path} is also an input (--assets, --events or --roster): it would be overwritten; write the output elsewhere"
            ));
        }
    }
    Ok(())
}

/// A new file gets the usual permissions (a temporary file is private to its owner); a file
/// written over keeps its own.
fn keep_permissions(target: &Path, file: &std::fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(target).map_or(0o644, |m| m.permissions().mode());
        let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    {
        let _ = (target, file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_previous_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.html");
        std::fs::write(&target, "previous").unwrap();
        let path = target.to_string_lossy();
        let failed = write_file(&path, &[], |out| {
            out.write_all(b"half of a new")?;
            Err(anyhow::anyhow!("disk full"))
        });
        assert!(failed.unwrap_err().to_string().contains("disk full"));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary left: {names:?}");
        write_file(&path, &[], |out| Ok(out.write_all(b"new")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn an_input_is_never_an_output() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("events.csv");
        std::fs::write(&input, "asset,time\n").unwrap();
        let link = dir.path().join("link.csv");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let events = InputPath::new(&input.to_string_lossy());
        for path in [&input, &link] {
            let refused = write_file(&path.to_string_lossy(), &[&events], |_| Ok(()));
            assert!(refused.is_err(), "{path:?}");
        }
        assert_eq!(std::fs::read_to_string(&input).unwrap(), "asset,time\n");
    }
}
