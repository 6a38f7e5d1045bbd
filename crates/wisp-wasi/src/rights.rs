//! Rights: what a descriptor allows. Spec: preview1 `rights`.
//!
//! Rights only ever shrink (`fd_fdstat_set_rights`), and every operation checks its right
//! before touching the backend, so a dropped right really stops the operation.

pub const FD_DATASYNC: u64 = 1 << 0;
pub const FD_READ: u64 = 1 << 1;
pub const FD_SEEK: u64 = 1 << 2;
pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
pub const FD_SYNC: u64 = 1 << 4;
pub const FD_TELL: u64 = 1 << 5;
pub const FD_WRITE: u64 = 1 << 6;
pub const FD_ADVISE: u64 = 1 << 7;
pub const FD_ALLOCATE: u64 = 1 << 8;
pub const FD_READDIR: u64 = 1 << 14;
pub const FD_FILESTAT_GET: u64 = 1 << 21;
pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
pub const POLL_FD_READWRITE: u64 = 1 << 27;
pub const SOCK_SHUTDOWN: u64 = 1 << 28;
pub const SOCK_ACCEPT: u64 = 1 << 29;

/// What any stream may attempt. Seeking, syncing and resizing are allowed to be tried, so
/// that a program gets the answer a pipe gives under POSIX (`ESPIPE`, `EINVAL`) rather
/// than `ENOTCAPABLE`.
const STREAM: u64 = FD_SEEK
    | FD_TELL
    | FD_SYNC
    | FD_DATASYNC
    | FD_ADVISE
    | FD_ALLOCATE
    | FD_FDSTAT_SET_FLAGS
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_SIZE
    | FD_FILESTAT_SET_TIMES
    | POLL_FD_READWRITE;
/// The rights of an input stream (stdin).
pub const INPUT_STREAM: u64 = STREAM | FD_READ;
/// The rights of an output stream (stdout, stderr).
pub const OUTPUT_STREAM: u64 = STREAM | FD_WRITE;
