//! Path operations, relative to a directory descriptor.
//!
//! Only preopened directories (and directories opened through them) can be the base of a
//! path, and no directory can be preopened yet: every descriptor is a stream, so each call
//! fails with `ENOTDIR`, or `EBADF` for a descriptor that is not open. The filesystem
//! backends and their sandboxed path resolution replace these answers (issue 4).

use super::{ret, GetCtx};
use crate::ctx::Descriptor;
use crate::{Errno, WasiCtx, MODULE};
use wisp::{Caller, Linker, Store};

fn not_a_directory(ctx: &mut WasiCtx, fd: u32) -> Result<(), Errno> {
    match ctx.fd(fd)?.desc {
        Descriptor::Stream(_) => Err(Errno::Notdir),
    }
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, store: &mut Store<T>, get: GetCtx<T>) {
    linker.func_wrap(
        store,
        MODULE,
        "path_open",
        move |mut c: Caller<'_, T>,
              fd: u32,
              _dirflags: u32,
              _path: u32,
              _len: u32,
              _oflags: u32,
              _base: u64,
              _inheriting: u64,
              _fdflags: u32,
              _out: u32| { ret(not_a_directory(get(c.data_mut()), fd)) },
    );
    linker.func_wrap(
        store,
        MODULE,
        "path_create_directory",
        move |mut c: Caller<'_, T>, fd: u32, _p: u32, _l: u32| {
            ret(not_a_directory(get(c.data_mut()), fd))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "path_remove_directory",
        move |mut c: Caller<'_, T>, fd: u32, _p: u32, _l: u32| {
            ret(not_a_directory(get(c.data_mut()), fd))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "path_unlink_file",
        move |mut c: Caller<'_, T>, fd: u32, _p: u32, _l: u32| {
            ret(not_a_directory(get(c.data_mut()), fd))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "path_filestat_get",
        move |mut c: Caller<'_, T>, fd: u32, _flags: u32, _p: u32, _l: u32, _out: u32| {
            ret(not_a_directory(get(c.data_mut()), fd))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "path_filestat_set_times",
        move |mut c: Caller<'_, T>,
              fd: u32,
              _flags: u32,
              _p: u32,
              _l: u32,
              _atim: u64,
              _mtim: u64,
              _fst: u32| { ret(not_a_directory(get(c.data_mut()), fd)) },
    );
    linker.func_wrap(
        store,
        MODULE,
        "path_readlink",
        move |mut c: Caller<'_, T>, fd: u32, _p: u32, _l: u32, _buf: u32, _len: u32, _out: u32| {
            ret(not_a_directory(get(c.data_mut()), fd))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "path_symlink",
        move |mut c: Caller<'_, T>, _old: u32, _old_len: u32, fd: u32, _p: u32, _l: u32| {
            ret(not_a_directory(get(c.data_mut()), fd))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "path_rename",
        move |mut c: Caller<'_, T>, fd: u32, _p: u32, _l: u32, new_fd: u32, _np: u32, _nl: u32| {
            let ctx = get(c.data_mut());
            ret(not_a_directory(ctx, fd).and(not_a_directory(ctx, new_fd)))
        },
    );
    linker.func_wrap(
        store,
        MODULE,
        "path_link",
        move |mut c: Caller<'_, T>,
              fd: u32,
              _flags: u32,
              _p: u32,
              _l: u32,
              new_fd: u32,
              _np: u32,
              _nl: u32| {
            let ctx = get(c.data_mut());
            ret(not_a_directory(ctx, fd).and(not_a_directory(ctx, new_fd)))
        },
    );
}
