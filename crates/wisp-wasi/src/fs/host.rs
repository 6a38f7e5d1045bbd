//! The host's filesystem under one directory (`std`).
//!
//! Paths arrive already resolved by [`super::resolve`], symbolic links included, so this
//! backend joins them to its root and calls `std::fs`. Every name is checked once more
//! here, so a bug in resolution cannot turn into `..` on the host. What remains is a race
//! with *other host processes* swapping a directory for a link between resolution and use;
//! the program itself cannot race, as preview1 runs one thread.

use super::{DirEntry, File, FileType, Filestat, Filesystem, OpenOptions};
use crate::Errno;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use std::fs;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A host directory given to a program.
pub struct HostDir {
    root: PathBuf,
}

impl HostDir {
    /// Fails unless `root` is a directory.
    pub fn open(root: impl AsRef<Path>) -> std::io::Result<Self> {
        let root = fs::canonicalize(root)?;
        if !fs::metadata(&root)?.is_dir() {
            return Err(std::io::Error::new(
                ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        Ok(HostDir { root })
    }

    fn host(&self, path: &str) -> Result<PathBuf, Errno> {
        let mut p = self.root.clone();
        for name in path.split('/').filter(|n| !n.is_empty()) {
            if name == "." || name == ".." || name.contains('\\') && cfg!(windows) {
                return Err(Errno::Notcapable);
            }
            p.push(name);
        }
        Ok(p)
    }
}

pub(crate) fn errno(e: std::io::Error) -> Errno {
    #[cfg(unix)]
    if let Some(code) = e.raw_os_error() {
        if let Some(errno) = from_unix(code) {
            return errno;
        }
    }
    match e.kind() {
        ErrorKind::NotFound => Errno::Noent,
        ErrorKind::PermissionDenied => Errno::Acces,
        ErrorKind::AlreadyExists => Errno::Exist,
        ErrorKind::InvalidInput => Errno::Inval,
        ErrorKind::NotADirectory => Errno::Notdir,
        ErrorKind::IsADirectory => Errno::Isdir,
        ErrorKind::DirectoryNotEmpty => Errno::Notempty,
        ErrorKind::ReadOnlyFilesystem => Errno::Rofs,
        ErrorKind::StorageFull => Errno::Nospc,
        ErrorKind::FileTooLarge => Errno::Fbig,
        ErrorKind::CrossesDevices => Errno::Xdev,
        ErrorKind::TooManyLinks => Errno::Mlink,
        ErrorKind::InvalidFilename => Errno::Nametoolong,
        ErrorKind::Unsupported => Errno::Notsup,
        ErrorKind::OutOfMemory => Errno::Nomem,
        _ => Errno::Io,
    }
}

/// Linux's numbers for the errors `ErrorKind` folds together.
#[cfg(unix)]
fn from_unix(code: i32) -> Option<Errno> {
    Some(match code {
        1 => Errno::Perm,
        16 => Errno::Busy,
        22 => Errno::Inval,
        40 => Errno::Loop,
        _ => return None,
    })
}

fn nanos(t: std::io::Result<SystemTime>) -> u64 {
    t.ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos().min(u64::MAX as u128) as u64)
}

fn filetype(t: fs::FileType) -> FileType {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_block_device() {
            return FileType::BlockDevice;
        }
        if t.is_char_device() {
            return FileType::CharacterDevice;
        }
        if t.is_socket() {
            return FileType::SocketStream;
        }
    }
    if t.is_symlink() {
        FileType::SymbolicLink
    } else if t.is_dir() {
        FileType::Directory
    } else if t.is_file() {
        FileType::RegularFile
    } else {
        FileType::Unknown
    }
}

fn filestat(m: &fs::Metadata) -> Filestat {
    #[cfg(unix)]
    let (dev, ino, nlink, ctim) = {
        use std::os::unix::fs::MetadataExt;
        let ctim = (m.ctime().max(0) as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(m.ctime_nsec().max(0) as u64);
        (m.dev(), m.ino(), m.nlink(), ctim)
    };
    #[cfg(not(unix))]
    let (dev, ino, nlink, ctim) = (0, 0, 1, nanos(m.modified()));
    Filestat {
        dev,
        ino,
        filetype: filetype(m.file_type()),
        nlink,
        size: m.len(),
        atim: nanos(m.accessed()),
        mtim: nanos(m.modified()),
        ctim,
    }
}

fn times(atim: Option<u64>, mtim: Option<u64>) -> fs::FileTimes {
    let at = |ns: u64| UNIX_EPOCH + Duration::from_nanos(ns);
    let mut t = fs::FileTimes::new();
    if let Some(a) = atim {
        t = t.set_accessed(at(a));
    }
    if let Some(m) = mtim {
        t = t.set_modified(at(m));
    }
    t
}

impl Filesystem for HostDir {
    fn stat(&mut self, path: &str) -> Result<Filestat, Errno> {
        fs::symlink_metadata(self.host(path)?)
            .map(|m| filestat(&m))
            .map_err(errno)
    }

    fn open(&mut self, path: &str, o: OpenOptions) -> Result<Box<dyn File>, Errno> {
        let file = fs::OpenOptions::new()
            // A file opened with no access at all still answers fstat and the like.
            .read(o.read || !o.write)
            // The host wants write access to create or truncate; the program's own rights
            // are enforced above this layer.
            .write(o.write || o.truncate || o.create)
            .create(o.create && !o.exclusive)
            .create_new(o.create && o.exclusive)
            .truncate(o.truncate)
            .open(self.host(path)?)
            .map_err(errno)?;
        if file.metadata().map_err(errno)?.is_dir() {
            return Err(Errno::Isdir);
        }
        Ok(Box::new(HostFile(file)))
    }

    fn read_dir(&mut self, path: &str) -> Result<Vec<DirEntry>, Errno> {
        let mut out = Vec::new();
        for entry in fs::read_dir(self.host(path)?).map_err(errno)? {
            let entry = entry.map_err(errno)?;
            // A name the program could not spell in UTF-8 is left out rather than mangled.
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            #[cfg(unix)]
            let ino = std::os::unix::fs::DirEntryExt::ino(&entry);
            #[cfg(not(unix))]
            let ino = 0;
            let filetype = entry.file_type().map_or(FileType::Unknown, filetype);
            out.push(DirEntry {
                name,
                ino,
                filetype,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn create_dir(&mut self, path: &str) -> Result<(), Errno> {
        fs::create_dir(self.host(path)?).map_err(errno)
    }

    fn remove_dir(&mut self, path: &str) -> Result<(), Errno> {
        fs::remove_dir(self.host(path)?).map_err(errno)
    }

    fn remove_file(&mut self, path: &str) -> Result<(), Errno> {
        let p = self.host(path)?;
        if fs::symlink_metadata(&p).map_err(errno)?.is_dir() {
            return Err(Errno::Isdir);
        }
        fs::remove_file(p).map_err(errno)
    }

    fn rename(&mut self, from: &str, to: &str) -> Result<(), Errno> {
        fs::rename(self.host(from)?, self.host(to)?).map_err(errno)
    }

    fn set_times(&mut self, path: &str, atim: Option<u64>, mtim: Option<u64>) -> Result<(), Errno> {
        let p = self.host(path)?;
        if fs::symlink_metadata(&p).map_err(errno)?.is_symlink() {
            // std cannot set a link's own times; resolution follows links when asked to.
            return Err(Errno::Notsup);
        }
        let f = fs::File::open(&p).map_err(errno)?;
        f.set_times(times(atim, mtim)).map_err(errno)
    }

    fn hard_link(&mut self, from: &str, to: &str) -> Result<(), Errno> {
        fs::hard_link(self.host(from)?, self.host(to)?).map_err(errno)
    }

    fn symlink(&mut self, target: &str, path: &str) -> Result<(), Errno> {
        #[cfg(unix)]
        return std::os::unix::fs::symlink(target, self.host(path)?).map_err(errno);
        #[cfg(not(unix))]
        {
            let _ = (target, path);
            Err(Errno::Notsup)
        }
    }

    fn read_link(&mut self, path: &str) -> Result<String, Errno> {
        let target = fs::read_link(self.host(path)?).map_err(errno)?;
        target
            .into_os_string()
            .into_string()
            .map_err(|_| Errno::Ilseq)
    }
}

struct HostFile(fs::File);

impl File for HostFile {
    fn read_at(&mut self, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
        self.0.seek(SeekFrom::Start(offset)).map_err(errno)?;
        self.0.read(buf).map_err(errno)
    }
    fn write_at(&mut self, buf: &[u8], offset: u64) -> Result<usize, Errno> {
        self.0.seek(SeekFrom::Start(offset)).map_err(errno)?;
        self.0.write(buf).map_err(errno)
    }
    fn stat(&mut self) -> Result<Filestat, Errno> {
        self.0.metadata().map(|m| filestat(&m)).map_err(errno)
    }
    fn set_size(&mut self, size: u64) -> Result<(), Errno> {
        self.0.set_len(size).map_err(errno)
    }
    fn set_times(&mut self, atim: Option<u64>, mtim: Option<u64>) -> Result<(), Errno> {
        self.0.set_times(times(atim, mtim)).map_err(errno)
    }
    fn sync(&mut self) -> Result<(), Errno> {
        self.0.sync_all().map_err(errno)
    }
}
