//! The WASI context: what one program sees.

use crate::backend::{Clock, Closed, NoRandom, Random, Stream, ZeroClock};
use crate::fs::{File, Filesystem};
use crate::rights;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// What a descriptor refers to.
pub(crate) enum Descriptor {
    Stream(Box<dyn Stream>),
    File(OpenFile),
    Dir(OpenDir),
}

/// A regular file and the descriptor's position in it.
pub(crate) struct OpenFile {
    pub file: Box<dyn File>,
    pub pos: u64,
}

/// A directory: a clean path on one of the context's filesystems. It is the boundary for
/// paths resolved from it.
pub(crate) struct OpenDir {
    pub mount: usize,
    pub path: String,
    /// The name a preopened directory is known by (`fd_prestat_dir_name`).
    pub preopen: Option<String>,
}

/// An open descriptor: the object, what it allows, and its flags.
pub(crate) struct FdEntry {
    pub desc: Descriptor,
    pub rights: u64,
    pub inheriting: u64,
    /// preview1 `fdflags` as last set.
    pub flags: u16,
}

impl FdEntry {
    /// Fails with `ENOTCAPABLE` unless every right in `needed` is held.
    pub fn require(&mut self, needed: u64) -> Result<&mut Descriptor, crate::Errno> {
        if self.rights & needed == needed {
            Ok(&mut self.desc)
        } else {
            Err(crate::Errno::Notcapable)
        }
    }
}

/// What a WASI program is given: arguments, environment, descriptors (stdio and
/// preopened directories, with their rights), a clock and randomness. It lives in the
/// store's data; [`crate::add_to_linker`] finds it there.
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) fds: Vec<Option<FdEntry>>,
    /// The filesystems behind preopened directories, by [`OpenDir::mount`].
    pub(crate) mounts: Vec<Box<dyn Filesystem>>,
    pub(crate) clock: Box<dyn Clock>,
    pub(crate) random: Box<dyn Random>,
}

impl WasiCtx {
    /// A builder that gives the program nothing yet.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::default()
    }

    /// The program's arguments, as it will see them.
    pub fn args(&self) -> impl Iterator<Item = &[u8]> {
        self.args.iter().map(Vec::as_slice)
    }

    /// The program's environment, `NAME=VALUE` each.
    pub fn env(&self) -> impl Iterator<Item = &[u8]> {
        self.env.iter().map(Vec::as_slice)
    }

    /// The open descriptor `fd`, or `EBADF`.
    pub(crate) fn fd(&mut self, fd: u32) -> Result<&mut FdEntry, crate::Errno> {
        self.fds
            .get_mut(fd as usize)
            .and_then(Option::as_mut)
            .ok_or(crate::Errno::Badf)
    }

    /// Puts `entry` in the lowest free descriptor, as POSIX `open` does.
    pub(crate) fn insert(&mut self, entry: FdEntry) -> Result<u32, crate::Errno> {
        let slot = match self.fds.iter().position(Option::is_none) {
            Some(i) => i,
            None => {
                self.fds.push(None);
                self.fds.len() - 1
            }
        };
        let fd = u32::try_from(slot).map_err(|_| crate::Errno::Nomem)?;
        self.fds[slot] = Some(entry);
        Ok(fd)
    }
}

/// Builds a [`WasiCtx`]. Without backends, stdio is closed, clocks read zero and
/// `random_get` fails: a program gets nothing it was not given.
#[derive(Default)]
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    stdio: [Option<Box<dyn Stream>>; 3],
    clock: Option<Box<dyn Clock>>,
    random: Option<Box<dyn Random>>,
    /// Filesystems, their guest paths, and whether the program may only read them.
    preopens: Vec<(Box<dyn Filesystem>, String, bool)>,
}

impl WasiCtxBuilder {
    /// Appends one argument (the first is conventionally the program's name).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into().into_bytes());
        self
    }
    /// Appends arguments, in order.
    pub fn args<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        for a in args {
            self = self.arg(a);
        }
        self
    }
    /// Adds the environment variable `key=value`.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        let mut kv = Vec::from(key.as_bytes());
        kv.push(b'=');
        kv.extend_from_slice(value.as_bytes());
        self.env.push(kv);
        self
    }
    /// The program's stdin (closed unless given).
    pub fn stdin(mut self, s: impl Stream + 'static) -> Self {
        self.stdio[0] = Some(Box::new(s));
        self
    }
    /// The program's stdout (closed unless given).
    pub fn stdout(mut self, s: impl Stream + 'static) -> Self {
        self.stdio[1] = Some(Box::new(s));
        self
    }
    /// The program's stderr (closed unless given).
    pub fn stderr(mut self, s: impl Stream + 'static) -> Self {
        self.stdio[2] = Some(Box::new(s));
        self
    }
    /// The clocks (reading zero unless given).
    pub fn clock(mut self, c: impl Clock + 'static) -> Self {
        self.clock = Some(Box::new(c));
        self
    }
    /// The randomness (`random_get` fails unless given).
    pub fn random(mut self, r: impl Random + 'static) -> Self {
        self.random = Some(Box::new(r));
        self
    }
    /// Gives the program a directory: `fs` appears as `guest_path` (a preopened descriptor,
    /// numbered from 3 in the order given). Nothing outside `fs` can be reached through it.
    pub fn preopen(mut self, fs: impl Filesystem + 'static, guest_path: &str) -> Self {
        self.preopens
            .push((Box::new(fs), String::from(guest_path), false));
        self
    }
    /// [`preopen`](Self::preopen), read-only: the program can open, read and list what
    /// `fs` holds, and nothing it does through this directory changes it (no rights to
    /// write, create, remove, rename, link or set sizes and times, for it or anything
    /// opened through it: `ENOTCAPABLE`).
    pub fn preopen_readonly(mut self, fs: impl Filesystem + 'static, guest_path: &str) -> Self {
        self.preopens
            .push((Box::new(fs), String::from(guest_path), true));
        self
    }
    /// Gives the program the host directory `host_path` as `guest_path`.
    #[cfg(feature = "std")]
    pub fn preopen_host_dir(
        self,
        host_path: impl AsRef<std::path::Path>,
        guest_path: &str,
    ) -> std::io::Result<Self> {
        Ok(self.preopen(crate::fs::HostDir::open(host_path)?, guest_path))
    }
    /// Gives the program the host directory `host_path` as `guest_path`, read-only (see
    /// [`preopen_readonly`](Self::preopen_readonly)).
    #[cfg(feature = "std")]
    pub fn preopen_host_dir_readonly(
        self,
        host_path: impl AsRef<std::path::Path>,
        guest_path: &str,
    ) -> std::io::Result<Self> {
        Ok(self.preopen_readonly(crate::fs::HostDir::open(host_path)?, guest_path))
    }
    /// The host process's stdin, stdout and stderr.
    #[cfg(feature = "std")]
    pub fn inherit_stdio(self) -> Self {
        use crate::std_backend::*;
        self.stdin(Stdin).stdout(Stdout).stderr(Stderr)
    }
    /// Every environment variable of the host process (those that are UTF-8).
    #[cfg(feature = "std")]
    pub fn inherit_env(mut self) -> Self {
        for (k, v) in std::env::vars_os() {
            if let (Some(k), Some(v)) = (k.to_str(), v.to_str()) {
                self = self.env(k, v);
            }
        }
        self
    }
    /// The host process's arguments, its name first (those that are UTF-8).
    #[cfg(feature = "std")]
    pub fn inherit_args(self) -> Self {
        self.args(std::env::args_os().filter_map(|a| a.into_string().ok()))
    }
    /// The host process's stdin, stdout and stderr, clock and randomness (not its
    /// arguments or environment: see [`inherit_args`](Self::inherit_args) and
    /// [`inherit_env`](Self::inherit_env)).
    #[cfg(feature = "std")]
    pub fn inherit_host(self) -> Self {
        use crate::std_backend::*;
        self.stdin(Stdin)
            .stdout(Stdout)
            .stderr(Stderr)
            .clock(HostClock::new())
            .random(HostRandom::new())
    }

    /// The context: stdio are descriptors 0 to 2, the preopens 3 on, in the order given.
    pub fn build(self) -> WasiCtx {
        let mut fds: Vec<Option<FdEntry>> = self
            .stdio
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let rights = if i == 0 {
                    rights::INPUT_STREAM
                } else {
                    rights::OUTPUT_STREAM
                };
                Some(FdEntry {
                    desc: Descriptor::Stream(s.unwrap_or_else(|| Box::new(Closed))),
                    rights,
                    inheriting: 0,
                    flags: 0,
                })
            })
            .collect();
        let mut mounts = Vec::new();
        for (fs, name, read_only) in self.preopens {
            let withheld = if read_only { rights::WRITES } else { 0 };
            fds.push(Some(FdEntry {
                desc: Descriptor::Dir(OpenDir {
                    mount: mounts.len(),
                    path: String::new(),
                    preopen: Some(name),
                }),
                rights: rights::DIRECTORY & !withheld,
                inheriting: (rights::DIRECTORY | rights::REGULAR_FILE) & !withheld,
                flags: 0,
            }));
            mounts.push(fs);
        }
        WasiCtx {
            args: self.args,
            env: self.env,
            fds,
            mounts,
            clock: self.clock.unwrap_or_else(|| Box::new(ZeroClock)),
            random: self.random.unwrap_or_else(|| Box::new(NoRandom)),
        }
    }
}
