//! The part of cap-std's surface that [`super::host`] uses, over plain `std::fs`, for
//! when Wisp itself runs as a WASI program (cap-std needs nightly there).
//!
//! Inside a WASI runtime the outer runtime is the sandbox: every path goes through its
//! preopens, which resolve beneath the directory they were given and refuse `..` or a
//! link out of it. So joining the preopen's path and a name, which would be unsound on a
//! host OS with other processes racing, cannot reach anything the outer runtime did not
//! grant. (A guest of this Wisp could still race a link into a sibling directory of the
//! same outer preopen; the outer runtime's grant is the boundary that holds.)

use std::io;
use std::path::{Path, PathBuf};

/// Stands for cap-std's ambient-authority token: a WASI program has only what it was given.
pub fn ambient_authority() {}

/// How an open treats a symbolic link in the last position (std on WASI always follows).
pub enum FollowSymlinks {
    /// Never follow.
    No,
}

/// A time to set, as cap-fs-ext spells it.
pub enum SystemTimeSpec {
    /// This time exactly.
    Absolute(time::SystemTime),
}

pub mod time {
    /// A wall-clock time.
    pub struct SystemTime(std::time::SystemTime);

    impl SystemTime {
        pub fn from_std(t: std::time::SystemTime) -> Self {
            SystemTime(t)
        }
        pub fn into_std(self) -> std::time::SystemTime {
            self.0
        }
    }
}

pub mod fs {
    use super::time::SystemTime;
    use super::{io, Path, PathBuf, SystemTimeSpec};

    pub type FileType = std::fs::FileType;

    /// A file's metadata.
    pub struct Metadata(std::fs::Metadata);

    impl Metadata {
        pub fn from_file(file: &std::fs::File) -> io::Result<Self> {
            file.metadata().map(Metadata)
        }
        pub fn file_type(&self) -> FileType {
            self.0.file_type()
        }
        pub fn is_dir(&self) -> bool {
            self.0.is_dir()
        }
        pub fn len(&self) -> u64 {
            self.0.len()
        }
        pub fn accessed(&self) -> io::Result<SystemTime> {
            self.0.accessed().map(SystemTime::from_std)
        }
        pub fn modified(&self) -> io::Result<SystemTime> {
            self.0.modified().map(SystemTime::from_std)
        }
    }

    /// How to open a file.
    pub struct OpenOptions(std::fs::OpenOptions);

    impl OpenOptions {
        pub fn new() -> Self {
            OpenOptions(std::fs::OpenOptions::new())
        }
        pub fn read(&mut self, on: bool) -> &mut Self {
            self.0.read(on);
            self
        }
        pub fn write(&mut self, on: bool) -> &mut Self {
            self.0.write(on);
            self
        }
        pub fn create(&mut self, on: bool) -> &mut Self {
            self.0.create(on);
            self
        }
        pub fn create_new(&mut self, on: bool) -> &mut Self {
            self.0.create_new(on);
            self
        }
        pub fn truncate(&mut self, on: bool) -> &mut Self {
            self.0.truncate(on);
            self
        }
        pub fn follow(&mut self, _: super::FollowSymlinks) -> &mut Self {
            self
        }
    }

    /// An open file.
    pub struct File(std::fs::File);

    impl File {
        pub fn into_std(self) -> std::fs::File {
            self.0
        }
    }

    /// One entry of a directory listing.
    pub struct DirEntry(std::fs::DirEntry);

    impl DirEntry {
        pub fn file_name(&self) -> std::ffi::OsString {
            self.0.file_name()
        }
        pub fn metadata(&self) -> io::Result<Metadata> {
            self.0.metadata().map(Metadata)
        }
        pub fn file_type(&self) -> io::Result<FileType> {
            self.0.file_type()
        }
    }

    /// A directory, known by the path the outer runtime resolves.
    pub struct Dir {
        root: PathBuf,
    }

    impl Dir {
        pub fn open_ambient_dir(root: impl AsRef<Path>, _: ()) -> io::Result<Self> {
            let root = root.as_ref().to_path_buf();
            std::fs::metadata(&root)?;
            Ok(Dir { root })
        }
        fn at(&self, p: impl AsRef<Path>) -> PathBuf {
            self.root.join(p)
        }
        pub fn dir_metadata(&self) -> io::Result<Metadata> {
            std::fs::metadata(&self.root).map(Metadata)
        }
        pub fn symlink_metadata(&self, p: impl AsRef<Path>) -> io::Result<Metadata> {
            std::fs::symlink_metadata(self.at(p)).map(Metadata)
        }
        pub fn open_with(&self, p: impl AsRef<Path>, o: &OpenOptions) -> io::Result<File> {
            o.0.open(self.at(p)).map(File)
        }
        pub fn read_dir(
            &self,
            p: impl AsRef<Path>,
        ) -> io::Result<impl Iterator<Item = io::Result<DirEntry>>> {
            Ok(std::fs::read_dir(self.at(p))?.map(|e| e.map(DirEntry)))
        }
        pub fn create_dir(&self, p: impl AsRef<Path>) -> io::Result<()> {
            std::fs::create_dir(self.at(p))
        }
        pub fn remove_dir(&self, p: impl AsRef<Path>) -> io::Result<()> {
            std::fs::remove_dir(self.at(p))
        }
        pub fn remove_file(&self, p: impl AsRef<Path>) -> io::Result<()> {
            std::fs::remove_file(self.at(p))
        }
        pub fn rename(
            &self,
            from: impl AsRef<Path>,
            to_dir: &Dir,
            to: impl AsRef<Path>,
        ) -> io::Result<()> {
            std::fs::rename(self.at(from), to_dir.at(to))
        }
        pub fn hard_link(
            &self,
            from: impl AsRef<Path>,
            to_dir: &Dir,
            to: impl AsRef<Path>,
        ) -> io::Result<()> {
            std::fs::hard_link(self.at(from), to_dir.at(to))
        }
        pub fn read_link_contents(&self, p: impl AsRef<Path>) -> io::Result<PathBuf> {
            std::fs::read_link(self.at(p))
        }
        /// Sets the times of what the name leads to; std has no call for a link's own.
        pub fn set_symlink_times(
            &self,
            p: impl AsRef<Path>,
            atim: Option<SystemTimeSpec>,
            mtim: Option<SystemTimeSpec>,
        ) -> io::Result<()> {
            let mut times = std::fs::FileTimes::new();
            if let Some(SystemTimeSpec::Absolute(t)) = atim {
                times = times.set_accessed(t.into_std());
            }
            if let Some(SystemTimeSpec::Absolute(t)) = mtim {
                times = times.set_modified(t.into_std());
            }
            std::fs::File::open(self.at(p))?.set_times(times)
        }
    }
}
