//! The module cache of `wisp run`: what the first run of a module learned, so that the
//! next one starts faster, as wasmtime's compilation cache does for compiled code.
//!
//! What an interpreter that translates each function on its first call pays before the
//! program starts is decoding and, above all, validating every function body (about four
//! fifths of the start-up of a large module; translation comes later and only for what
//! runs). So an entry records that this build of Wisp validated these exact bytes: the
//! next run decodes the module without validating it (`Module::from_binary_unchecked`).
//! An image of the translated code was tried first and loaded no faster than the module
//! itself (an image is three times the module's size, and is checked whole as it loads),
//! and its first run, translating everything, took ten times as long.
//!
//! An entry is an empty file named by the SHA-256 of the module's bytes and of what
//! decides whether they validate: this build (its version, and the path, size and time
//! of the `wisp` executable, so that a rebuilt `wisp` of the same version trusts nothing
//! its predecessor recorded). A module whose hash matches is the module that was
//! validated, byte for byte; a crafted module cannot take another's entry without a
//! collision of SHA-256. Entries are created after the module validated, in `-C
//! cache-dir`, `$WISP_CACHE_DIR`, `$XDG_CACHE_HOME/wisp` or `~/.cache/wisp`. A cache that
//! cannot be read or written is no error: the run goes on without it.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Modules smaller than this are not cached by default: they validate in about the time
/// that hashing and looking up would save. Measured on 2 cores: a 62 KB program starts
/// in 3.3 ms with its entry and 3.7 ms without, a 0.6 MB one in 4.5 ms and 6.5 ms.
pub const DEFAULT_MIN_BYTES: usize = 32 << 10;

/// When `wisp run` uses the cache (`-C cache`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Use {
    /// For modules of at least [`DEFAULT_MIN_BYTES`].
    #[default]
    Large,
    /// For every module.
    Always,
    /// Never.
    Never,
}

/// The cache directory, if any: `dir` if given, else from the environment.
pub fn directory(dir: Option<&Path>) -> Option<PathBuf> {
    if let Some(d) = dir {
        return Some(d.to_path_buf());
    }
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(d) = env("WISP_CACHE_DIR") {
        return Some(d.into());
    }
    if let Some(d) = env("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("wisp"));
    }
    env("HOME").map(|h| PathBuf::from(h).join(".cache").join("wisp"))
}

/// A module's entry.
pub struct Entry {
    path: PathBuf,
}

impl Entry {
    /// The entry of `bytes` (a binary module) in `dir`, for an engine whose
    /// configuration `config` describes (whatever changes what validates).
    pub fn new(dir: &Path, bytes: &[u8], config: &str) -> Entry {
        let mut h = Sha256::new();
        h.update(concat!("wisp ", env!("CARGO_PKG_VERSION"), "\0"));
        h.update(this_build());
        h.update(config.len().to_le_bytes());
        h.update(config);
        h.update(bytes);
        let name: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Entry {
            path: dir.join(format!("{name}.valid")),
        }
    }

    /// Whether this build validated the module before.
    pub fn validated(&self) -> bool {
        std::fs::metadata(&self.path).is_ok_and(|m| m.is_file())
    }

    /// Records that the module validated. Created whole or not at all (an empty file),
    /// so runs racing to record the same module both succeed.
    pub fn record(&self) {
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::File::create(&self.path);
    }
}

/// What tells this `wisp` executable from another of the same version: its path, size
/// and modification time. Empty if they cannot be read, which leaves the version alone.
fn this_build() -> Vec<u8> {
    let Ok(exe) = std::env::current_exe() else {
        return Vec::new();
    };
    let Ok(meta) = std::fs::metadata(&exe) else {
        return Vec::new();
    };
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let mut id = exe.to_string_lossy().into_owned().into_bytes();
    id.extend_from_slice(&meta.len().to_le_bytes());
    id.extend_from_slice(&mtime.to_le_bytes());
    id
}
