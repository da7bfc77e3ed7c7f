//! Archives given to import (tar, tar.gz, zip): unpacked into a private temporary folder,
//! within the import's size limit, and then read as a folder would be. Only regular files
//! come out: links, devices and names that climb out of the folder (`../`, absolute paths)
//! are left out, so an uploaded archive cannot make the server read its own files.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use tempfile::TempDir;

use crate::{Cancel, Error, Result};

/// The most files an archive may hold: beyond it, unpacking would be mostly bookkeeping.
pub const MAX_FILES: usize = 200_000;

/// What kind of archive a file is, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Tar { gzip: bool },
    Zip,
}

impl Kind {
    /// The kind of archive `path` names (`.tar`, `.tar.gz`, `.tgz`, `.zip`), if it is one.
    pub fn of(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            Some(Self::Tar { gzip: true })
        } else if name.ends_with(".tar") {
            Some(Self::Tar { gzip: false })
        } else if name.ends_with(".zip") {
            Some(Self::Zip)
        } else {
            None
        }
    }
}

/// An archive unpacked: the folder (removed when this is dropped) and what was left out of
/// it, each with why.
#[derive(Debug)]
pub struct Unpacked {
    pub dir: TempDir,
    pub left_out: Vec<(String, String)>,
}

/// Unpacks `path` (called `display` in messages) into a new temporary folder, refusing an
/// archive whose files add up to more than `max_bytes` or number more than `MAX_FILES`.
pub fn unpack(
    path: &Path,
    display: &str,
    kind: Kind,
    max_bytes: u64,
    cancel: &Cancel,
) -> Result<Unpacked> {
    let dir = tempfile::Builder::new()
        .prefix("socialset-archive-")
        .tempdir()
        .map_err(Error::io("creating a folder to unpack the archive in"))?;
    let file = File::open(path).map_err(|e| Error::Usage(format!("{display}: {e}")))?;
    let mut out = Unpacker {
        root: dir.path().to_path_buf(),
        display,
        max_bytes,
        bytes: 0,
        files: 0,
        left_out: Vec::new(),
        cancel,
    };
    match kind {
        Kind::Tar { gzip: true } => out.tar(flate2::read::MultiGzDecoder::new(
            std::io::BufReader::new(file),
        ))?,
        Kind::Tar { gzip: false } => out.tar(std::io::BufReader::new(file))?,
        Kind::Zip => out.zip(file)?,
    }
    let left_out = out.left_out;
    Ok(Unpacked { dir, left_out })
}

struct Unpacker<'a> {
    root: PathBuf,
    display: &'a str,
    max_bytes: u64,
    bytes: u64,
    files: usize,
    left_out: Vec<(String, String)>,
    cancel: &'a Cancel,
}

impl Unpacker<'_> {
    fn broken(&self, what: &str, e: impl std::fmt::Display) -> Error {
        Error::Usage(format!(
            "{}: not a readable {what} archive ({e}); unpack it and import the folder, or check the download",
            self.display
        ))
    }

    /// Where `name` goes under the root, when it stays inside it.
    fn place(&mut self, name: &Path) -> Option<PathBuf> {
        let safe = name
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if !safe || name.as_os_str().is_empty() {
            self.left_out.push((
                format!("{}/{}", self.display, name.display()),
                "a name that leads out of the archive's folder".into(),
            ));
            return None;
        }
        Some(self.root.join(name))
    }

    /// Copies one file of `size` bytes (as the archive says; the copy is bounded anyway).
    fn copy(&mut self, name: &Path, to: &Path, size: u64, from: &mut dyn Read) -> Result<()> {
        self.cancel.check()?;
        self.files += 1;
        if self.files > MAX_FILES {
            return Err(Error::Usage(format!(
                "{}: holds more than {MAX_FILES} files; import it in parts",
                self.display
            )));
        }
        let room = self.max_bytes.saturating_sub(self.bytes);
        let too_big = || {
            Error::Usage(format!(
                "{}: unpacks to more than the {} bytes allowed (at {})",
                self.display,
                self.max_bytes,
                name.display()
            ))
        };
        if size > room {
            return Err(too_big());
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(Error::io("unpacking the archive"))?;
        }
        let mut out = File::create(to).map_err(Error::io("unpacking the archive"))?;
        let copied =
            std::io::copy(&mut from.take(room.saturating_add(1)), &mut out).map_err(|e| {
                Error::Usage(format!(
                    "{}: reading {} from the archive: {e}",
                    self.display,
                    name.display()
                ))
            })?;
        if copied > room {
            return Err(too_big());
        }
        out.flush().map_err(Error::io("unpacking the archive"))?;
        self.bytes += copied;
        Ok(())
    }

    fn tar(&mut self, reader: impl Read) -> Result<()> {
        let mut archive = tar::Archive::new(reader);
        let entries = archive.entries().map_err(|e| self.broken("tar", e))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| self.broken("tar", e))?;
            let name = entry
                .path()
                .map_err(|e| self.broken("tar", e))?
                .into_owned();
            let kind = entry.header().entry_type();
            if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
                continue;
            }
            if !kind.is_file() {
                self.left_out.push((
                    format!("{}/{}", self.display, name.display()),
                    "a link or special file, not data".into(),
                ));
                continue;
            }
            let Some(to) = self.place(&name) else {
                continue;
            };
            let size = entry.size();
            self.copy(&name, &to, size, &mut entry)?;
        }
        Ok(())
    }

    fn zip(&mut self, file: File) -> Result<()> {
        let mut archive = zip::ZipArchive::new(file).map_err(|e| self.broken("zip", e))?;
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).map_err(|e| self.broken("zip", e))?;
            if entry.is_dir() {
                continue;
            }
            let name = PathBuf::from(entry.name());
            if !entry.is_file() {
                self.left_out.push((
                    format!("{}/{}", self.display, name.display()),
                    "a link or special file, not data".into(),
                ));
                continue;
            }
            let Some(to) = entry.enclosed_name().and_then(|n| self.place(&n)) else {
                if entry.enclosed_name().is_none() {
                    self.left_out.push((
                        format!("{}/{}", self.display, name.display()),
                        "a name that leads out of the archive's folder".into(),
                    ));
                }
                continue;
            };
            let size = entry.size();
            self.copy(&name, &to, size, &mut entry)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_gz(files: &[(&str, &[u8])]) -> (TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.tar.gz");
        let gz = flate2::write::GzEncoder::new(
            File::create(&path).expect("create"),
            flate2::Compression::fast(),
        );
        let mut b = tar::Builder::new(gz);
        for (name, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, *data).expect("append");
        }
        b.into_inner().expect("tar").finish().expect("gz");
        (dir, path)
    }

    #[test]
    fn kinds_are_told_by_name() {
        assert_eq!(
            Kind::of(Path::new("x/Threads.TAR.GZ")),
            Some(Kind::Tar { gzip: true })
        );
        assert_eq!(Kind::of(Path::new("a.tgz")), Some(Kind::Tar { gzip: true }));
        assert_eq!(Kind::of(Path::new("a.zip")), Some(Kind::Zip));
        assert_eq!(Kind::of(Path::new("a.jsonl.gz")), None);
    }

    #[test]
    fn a_tar_gz_unpacks_within_its_limit() {
        let (_d, path) = tar_gz(&[("t/a.json", b"{}"), ("t/b.json", b"[1,2]")]);
        let kind = Kind::of(&path).expect("archive");
        let u = unpack(&path, "a.tar.gz", kind, 1 << 20, &Cancel::new()).expect("unpack");
        assert_eq!(
            std::fs::read(u.dir.path().join("t/b.json")).expect("read"),
            b"[1,2]"
        );
        let e = unpack(&path, "a.tar.gz", kind, 6, &Cancel::new())
            .expect_err("over the limit")
            .to_string();
        assert!(
            e.contains("a.tar.gz: unpacks to more than the 6 bytes"),
            "{e}"
        );
    }

    #[test]
    fn a_broken_archive_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.zip");
        std::fs::write(&path, b"not a zip at all").expect("write");
        let e = unpack(&path, "x.zip", Kind::Zip, 1 << 20, &Cancel::new())
            .expect_err("broken")
            .to_string();
        assert!(e.starts_with("x.zip: not a readable zip archive"), "{e}");
    }
}
