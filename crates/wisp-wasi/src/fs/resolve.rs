//! Path resolution: the sandbox.
//!
//! A path is walked one name at a time from the directory descriptor it is relative to,
//! and that directory is the boundary: `..` may climb back to it but never above, an
//! absolute path is refused, and a symbolic link is read and its target walked the same
//! way, from the directory holding the link. Anything that would leave the boundary is
//! `ENOTCAPABLE`. This is the capability model of preview1 (a descriptor grants what lies
//! beneath it) and it runs before any backend call, so no backend can be talked out of
//! its root.

use super::{join, FileType, Filestat, Filesystem};
use crate::Errno;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

/// Symbolic links followed in one resolution before `ELOOP`, as Linux allows.
const MAX_LINKS: u32 = 40;
/// Longest path accepted from a program, as PATH_MAX on Linux.
const MAX_PATH: usize = 4096;

/// Where a path leads.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// Clean path from the filesystem's root.
    pub path: String,
    /// What is there; `None` if the last name does not exist (its parent does).
    pub stat: Option<Filestat>,
    /// The path named its target as a directory (a trailing `/` or `.`).
    pub dir_syntax: bool,
}

impl Resolved {
    /// What is there, or `ENOENT`.
    pub fn existing(&self) -> Result<Filestat, Errno> {
        self.stat.ok_or(Errno::Noent)
    }
}

/// Resolves `path` from the directory `base` (a clean path on `fs`). A symbolic link in
/// the last name is followed only with `follow_last`, or when the path ends in `/`.
pub(crate) fn resolve(
    fs: &mut dyn Filesystem,
    base: &str,
    path: &[u8],
    follow_last: bool,
) -> Result<Resolved, Errno> {
    let path = core::str::from_utf8(path).map_err(|_| Errno::Ilseq)?;
    if path.is_empty() {
        return Err(Errno::Noent);
    }
    if path.len() > MAX_PATH {
        return Err(Errno::Nametoolong);
    }
    if path.contains('\0') {
        return Err(Errno::Ilseq);
    }
    if path.starts_with('/') {
        return Err(Errno::Notcapable);
    }
    check_base(fs, base)?;
    let dir_syntax = ends_as_directory(path);
    let mut pending: VecDeque<String> = names(path).collect();
    // Names walked below `base`; popping past the first is an escape.
    let mut below: Vec<String> = Vec::new();
    let mut links = 0u32;
    let mut last_stat = None;
    while let Some(name) = pending.pop_front() {
        if name == ".." {
            if below.pop().is_none() {
                return Err(Errno::Notcapable);
            }
            last_stat = None;
            continue;
        }
        let here = current(base, &below, &name);
        let is_last = pending.is_empty();
        let stat = match fs.stat(&here) {
            Ok(s) => s,
            Err(Errno::Noent) if is_last => {
                below.push(name);
                return Ok(Resolved {
                    path: current(base, &below, ""),
                    stat: None,
                    dir_syntax,
                });
            }
            Err(e) => return Err(e),
        };
        match stat.filetype {
            FileType::SymbolicLink if !is_last || follow_last || dir_syntax => {
                links += 1;
                if links > MAX_LINKS {
                    return Err(Errno::Loop);
                }
                let target = fs.read_link(&here)?;
                if target.starts_with('/') {
                    return Err(Errno::Notcapable);
                }
                if target.is_empty() {
                    return Err(Errno::Noent);
                }
                for n in names(&target).collect::<Vec<_>>().into_iter().rev() {
                    pending.push_front(n);
                }
                last_stat = None;
            }
            FileType::Directory => {
                below.push(name);
                last_stat = Some(stat);
            }
            _ if !is_last => return Err(Errno::Notdir),
            _ => {
                below.push(name);
                last_stat = Some(stat);
            }
        }
    }
    let path = current(base, &below, "");
    // Ending on `..` or on a link's target leaves the final stat to be read.
    let stat = match last_stat {
        Some(s) => s,
        None => fs.stat(&path)?,
    };
    if dir_syntax && stat.filetype != FileType::Directory {
        return Err(Errno::Notdir);
    }
    Ok(Resolved {
        path,
        stat: Some(stat),
        dir_syntax,
    })
}

/// A descriptor's directory may have been renamed, or swapped for a symbolic link, since
/// it was opened; walking beneath a link would leave the sandbox, so its path is checked
/// to be directories all the way down.
pub(crate) fn check_base(fs: &mut dyn Filesystem, base: &str) -> Result<(), Errno> {
    let mut at = String::new();
    for name in names(base) {
        at = join(&at, &name);
        if fs.stat(&at)?.filetype != FileType::Directory {
            return Err(Errno::Notcapable);
        }
    }
    Ok(())
}

/// The names of a path, without empty and `.` components.
fn names(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/')
        .filter(|n| !n.is_empty() && *n != ".")
        .map(String::from)
}

/// A path whose last component is empty, `.` or `..` names a directory.
fn ends_as_directory(path: &str) -> bool {
    matches!(path.rsplit('/').next(), Some("" | "." | ".."))
}

fn current(base: &str, below: &[String], name: &str) -> String {
    let mut p = String::from(base);
    for n in below.iter().map(String::as_str).chain([name]) {
        if !n.is_empty() {
            p = join(&p, n);
        }
    }
    p
}
