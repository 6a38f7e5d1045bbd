//! The host's filesystem under one directory (`std`).
//!
//! Paths arrive already resolved by [`super::resolve`], symbolic links included, but the
//! host filesystem can change between that resolution and the call that uses its result:
//! another program sharing the directory, or any other host process, may rename a
//! directory away and put a symbolic link in its place. So this backend never turns a
//! path into a host path. It holds a handle to the preopened directory (the only place
//! where ambient authority is used) and does every operation relative to that handle with
//! [`cap_std`], which resolves beneath it (Linux's `openat2` with `RESOLVE_BENEATH`, or
//! one name at a time where that is missing) and refuses any `..` or link that would lead
//! out. The last name is never followed: a name that became a symbolic link since it was
//! resolved makes the call fail (`ELOOP` for an open) rather than go where the link says.
//!
//! What that guarantees: whatever the program, other programs sharing the directory, or
//! other host processes do to the tree beneath the preopen at the same time, nothing this
//! backend opens, creates, removes, renames, links, stats, lists or touches lies outside
//! the preopened directory. (A hard link made by someone else from inside to a file
//! outside is the exception no directory sandbox can see: it *is* a name inside.) Only
//! the preopened directory itself is found by its host path, once, when it is opened.

#[cfg(target_os = "wasi")]
use super::wasi_dir::{self as cap_std, FollowSymlinks, SystemTimeSpec};
use super::{DirEntry, File, FileType, Filestat, Filesystem, OpenOptions};
use crate::Errno;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
#[cfg(not(target_os = "wasi"))]
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, SystemTimeSpec};
use cap_std::fs::Dir;
use std::fs;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A host directory given to a program: a handle to it, never its path.
pub struct HostDir {
    dir: Dir,
}

impl HostDir {
    /// Opens `root`, following links on the way there (the host chose this path, not the
    /// program). Fails unless `root` is a directory.
    pub fn open(root: impl AsRef<Path>) -> std::io::Result<Self> {
        let dir = Dir::open_ambient_dir(root, cap_std::ambient_authority())?;
        if !dir.dir_metadata()?.is_dir() {
            return Err(std::io::Error::new(
                ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        Ok(HostDir { dir })
    }

    /// The path relative to the handle. Every name is checked once more here, so a bug
    /// in resolution is refused rather than left to cap-std's own refusal.
    fn rel(&self, path: &str) -> Result<PathBuf, Errno> {
        let mut p = PathBuf::new();
        for name in path.split('/').filter(|n| !n.is_empty()) {
            if name == "." || name == ".." || name.contains('\\') && cfg!(windows) {
                return Err(Errno::Notcapable);
            }
            p.push(name);
        }
        if p.as_os_str().is_empty() {
            // The root itself: cap-std takes `.` for the handle's own directory.
            p.push(".");
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
    // cap-std refuses a path that would lead out of the directory with an error of its
    // own, which carries no OS error code; the OS's own EACCES always does.
    if e.kind() == ErrorKind::PermissionDenied && e.raw_os_error().is_none() {
        return Errno::Notcapable;
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

fn nanos(t: std::io::Result<cap_std::time::SystemTime>) -> u64 {
    t.ok()
        .and_then(|t| t.into_std().duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos().min(u64::MAX as u128) as u64)
}

fn filetype(t: cap_std::fs::FileType) -> FileType {
    #[cfg(unix)]
    {
        use cap_std::fs::FileTypeExt;
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

fn filestat(m: &cap_std::fs::Metadata) -> Filestat {
    #[cfg(unix)]
    let (dev, ino, nlink, ctim) = {
        use cap_std::fs::MetadataExt;
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
    let mut t = fs::FileTimes::new();
    if let Some(a) = atim {
        t = t.set_accessed(at(a));
    }
    if let Some(m) = mtim {
        t = t.set_modified(at(m));
    }
    t
}

fn at(ns: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(ns)
}

fn spec(ns: Option<u64>) -> Option<SystemTimeSpec> {
    ns.map(|ns| SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(at(ns))))
}

impl Filesystem for HostDir {
    fn stat(&mut self, path: &str) -> Result<Filestat, Errno> {
        self.dir
            .symlink_metadata(self.rel(path)?)
            .map(|m| filestat(&m))
            .map_err(errno)
    }

    fn open(&mut self, path: &str, o: OpenOptions) -> Result<Box<dyn File>, Errno> {
        let mut options = cap_std::fs::OpenOptions::new();
        options
            // A file opened with no access at all still answers fstat and the like.
            .read(o.read || !o.write)
            // The host wants write access to create or truncate; the program's own rights
            // are enforced above this layer.
            .write(o.write || o.truncate || o.create)
            .create(o.create && !o.exclusive)
            .create_new(o.create && o.exclusive)
            .truncate(o.truncate)
            // Resolution followed the link already if it was asked to; a link here now
            // was put in since, and following it could lead anywhere.
            .follow(FollowSymlinks::No);
        let file = self
            .dir
            .open_with(self.rel(path)?, &options)
            .map_err(errno)?
            .into_std();
        if file.metadata().map_err(errno)?.is_dir() {
            return Err(Errno::Isdir);
        }
        Ok(Box::new(HostFile(file)))
    }

    fn read_dir(&mut self, path: &str) -> Result<Vec<DirEntry>, Errno> {
        let mut out = Vec::new();
        for entry in self.dir.read_dir(self.rel(path)?).map_err(errno)? {
            let entry = entry.map_err(errno)?;
            // A name the program could not spell in UTF-8 is left out rather than mangled.
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            // The entry's own metadata (not following a link) holds its inode number.
            let meta = entry.metadata().ok();
            let ino = meta.as_ref().map_or(0, |m| filestat(m).ino);
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
        self.dir.create_dir(self.rel(path)?).map_err(errno)
    }

    fn remove_dir(&mut self, path: &str) -> Result<(), Errno> {
        self.dir.remove_dir(self.rel(path)?).map_err(errno)
    }

    fn remove_file(&mut self, path: &str) -> Result<(), Errno> {
        let p = self.rel(path)?;
        // Only for the errno: some hosts answer EPERM for unlinking a directory.
        if self.dir.symlink_metadata(&p).map_err(errno)?.is_dir() {
            return Err(Errno::Isdir);
        }
        self.dir.remove_file(p).map_err(errno)
    }

    fn rename(&mut self, from: &str, to: &str) -> Result<(), Errno> {
        self.dir
            .rename(self.rel(from)?, &self.dir, self.rel(to)?)
            .map_err(errno)
    }

    fn set_times(&mut self, path: &str, atim: Option<u64>, mtim: Option<u64>) -> Result<(), Errno> {
        // The link's own times if the name is a link: resolution followed it when asked.
        self.dir
            .set_symlink_times(self.rel(path)?, spec(atim), spec(mtim))
            .map_err(errno)
    }

    fn hard_link(&mut self, from: &str, to: &str) -> Result<(), Errno> {
        self.dir
            .hard_link(self.rel(from)?, &self.dir, self.rel(to)?)
            .map_err(errno)
    }

    fn symlink(&mut self, target: &str, path: &str) -> Result<(), Errno> {
        #[cfg(unix)]
        {
            // The target is stored as the program wrote it; it is checked when followed.
            self.dir
                .symlink_contents(target, self.rel(path)?)
                .map_err(errno)
        }
        #[cfg(not(unix))]
        {
            let _ = (target, path);
            Err(Errno::Notsup)
        }
    }

    fn read_link(&mut self, path: &str) -> Result<String, Errno> {
        // `read_link_contents` gives the target verbatim, absolute ones included, so that
        // resolution can refuse them with ENOTCAPABLE (`read_link` would fail instead).
        let target = self
            .dir
            .read_link_contents(self.rel(path)?)
            .map_err(errno)?;
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
        cap_std::fs::Metadata::from_file(&self.0)
            .map(|m| filestat(&m))
            .map_err(errno)
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
