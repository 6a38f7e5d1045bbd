//! Filesystems behind preopened directories.
//!
//! A backend sees only clean paths: `/`-separated names relative to its own root, with no
//! `.`, `..` or empty components, and no symbolic link before the last name. WASI resolves
//! every path the program gives (`resolve.rs`) before a backend hears of it, so the sandbox
//! does not depend on the backend: the host filesystem, the in-memory one, or a FAT driver
//! on an SD card all get the same guarantee. The empty path is the root itself.
//!
//! Resolution is only as good as the tree holding still until the backend uses its
//! result. A tree that others can change meanwhile (a host directory shared with other
//! programs or processes) needs a backend that does not follow links on its own and works
//! beneath its root rather than by joined paths, as `HostDir` does (see its module).
//!
//! Spec: preview1 `path_*` and `fd_*` functions,
//! <https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md>

#[cfg(feature = "std")]
pub(crate) mod host;
pub(crate) mod memfs;
pub(crate) mod resolve;
#[cfg(all(feature = "std", target_os = "wasi"))]
mod wasi_dir;

use crate::Errno;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use wisp::MaybeSend;

/// Preview1 `filetype`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FileType {
    /// Neither of the others, or unknown.
    Unknown = 0,
    /// A block device.
    BlockDevice = 1,
    /// A character device.
    CharacterDevice = 2,
    /// A directory.
    Directory = 3,
    /// A regular file.
    RegularFile = 4,
    /// A datagram socket.
    SocketDgram = 5,
    /// A stream socket.
    SocketStream = 6,
    /// A symbolic link.
    SymbolicLink = 7,
}

/// Preview1 `filestat`. Times are nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filestat {
    /// The device the file is on.
    pub dev: u64,
    /// The file's serial number on its device.
    pub ino: u64,
    /// What kind of file it is.
    pub filetype: FileType,
    /// How many hard links it has.
    pub nlink: u64,
    /// Its size in bytes.
    pub size: u64,
    /// Last access.
    pub atim: u64,
    /// Last modification.
    pub mtim: u64,
    /// Last status change.
    pub ctim: u64,
}

impl Filestat {
    /// The 64-byte layout that `fd_filestat_get` and `path_filestat_get` write.
    pub(crate) fn to_bytes(self) -> [u8; 64] {
        let mut b = [0u8; 64];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16] = self.filetype as u8;
        b[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        b[32..40].copy_from_slice(&self.size.to_le_bytes());
        b[40..48].copy_from_slice(&self.atim.to_le_bytes());
        b[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        b[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        b
    }
}

/// One entry of a directory listing (without `.` and `..`, which WASI adds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// The entry's name in its directory.
    pub name: String,
    /// Its serial number on its device.
    pub ino: u64,
    /// What kind of file it is.
    pub filetype: FileType,
}

/// How to open a regular file. Appending and the file position are WASI's business, so a
/// backend only reads and writes at offsets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Open for reading.
    pub read: bool,
    /// Open for writing.
    pub write: bool,
    /// Create the file if it is missing.
    pub create: bool,
    /// With `create`: fail with `EEXIST` if it exists.
    pub exclusive: bool,
    /// Cut the file to zero length.
    pub truncate: bool,
}

/// A filesystem rooted at a preopened directory. Paths are clean and relative (see the
/// module documentation); none of these follows a symbolic link in the last name.
pub trait Filesystem: MaybeSend {
    /// Metadata of `path`, `ENOENT` if there is nothing there.
    fn stat(&mut self, path: &str) -> Result<Filestat, Errno>;
    /// Opens (or creates) a regular file.
    fn open(&mut self, path: &str, options: OpenOptions) -> Result<Box<dyn File>, Errno>;
    /// The entries of a directory, in a stable order.
    fn read_dir(&mut self, path: &str) -> Result<Vec<DirEntry>, Errno>;
    /// Creates a directory.
    fn create_dir(&mut self, path: &str) -> Result<(), Errno>;
    /// Removes an empty directory (`ENOTEMPTY` otherwise).
    fn remove_dir(&mut self, path: &str) -> Result<(), Errno>;
    /// Removes a file or symbolic link.
    fn remove_file(&mut self, path: &str) -> Result<(), Errno>;
    /// Renames with POSIX `rename` semantics: an existing target of the same kind is replaced.
    fn rename(&mut self, from: &str, to: &str) -> Result<(), Errno>;
    /// Sets access and modification times; `None` leaves one as it is.
    fn set_times(&mut self, path: &str, atim: Option<u64>, mtim: Option<u64>) -> Result<(), Errno>;
    /// Makes `to` another name for the file `from` (`ENOTSUP` unless the backend can).
    fn hard_link(&mut self, from: &str, to: &str) -> Result<(), Errno> {
        let _ = (from, to);
        Err(Errno::Notsup)
    }
    /// Makes `path` a symbolic link to `target` (`ENOTSUP` unless the backend can).
    fn symlink(&mut self, target: &str, path: &str) -> Result<(), Errno> {
        let _ = (target, path);
        Err(Errno::Notsup)
    }
    /// The target of a symbolic link, as it was written.
    fn read_link(&mut self, path: &str) -> Result<String, Errno> {
        let _ = path;
        Err(Errno::Inval)
    }
}

/// An open regular file.
pub trait File: MaybeSend {
    /// Reads at `offset`; zero bytes means end of file.
    fn read_at(&mut self, buf: &mut [u8], offset: u64) -> Result<usize, Errno>;
    /// Writes at `offset`, growing the file (with zeros) as needed.
    fn write_at(&mut self, buf: &[u8], offset: u64) -> Result<usize, Errno>;
    /// The file's attributes.
    fn stat(&mut self) -> Result<Filestat, Errno>;
    /// Cuts or extends the file to `size` bytes (zeros).
    fn set_size(&mut self, size: u64) -> Result<(), Errno>;
    /// Sets access and modification times; `None` leaves one as it is.
    fn set_times(&mut self, atim: Option<u64>, mtim: Option<u64>) -> Result<(), Errno>;
    /// Makes what was written durable.
    fn sync(&mut self) -> Result<(), Errno> {
        Ok(())
    }
}

/// Joins a clean directory path and a name.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        String::from(name)
    } else {
        let mut p = String::with_capacity(dir.len() + 1 + name.len());
        p.push_str(dir);
        p.push('/');
        p.push_str(name);
        p
    }
}

#[cfg(feature = "std")]
pub use host::HostDir;
pub use memfs::MemFs;
