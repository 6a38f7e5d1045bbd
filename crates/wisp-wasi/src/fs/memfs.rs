//! An in-memory filesystem, for boards without storage and for tests: `no_std` + `alloc`.
//!
//! [`MemFs`] is a handle; clones share one tree, so an embedder keeps one to fill the tree
//! before a run and to look at what the program left after it. The tree has a byte budget
//! (64 MiB unless set): a program that writes more, or seeks far and writes one byte, gets
//! `ENOSPC`/`EFBIG` instead of taking the host's memory. Timestamps come from the clock
//! given to [`MemFs::with_clock`] (creation and writes stamp them); without one they are
//! zero unless set.

use super::{DirEntry, File, FileType, Filestat, Filesystem, OpenOptions};
use crate::shared::SharedCell;
use crate::{Clock, ClockId, Errno};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

const ROOT: usize = 0;
const DEFAULT_BUDGET: u64 = 64 << 20;

enum Data {
    File(Vec<u8>),
    Dir(BTreeMap<String, usize>),
    Symlink(String),
}

struct Node {
    data: Data,
    nlink: u64,
    /// Open file handles; an unlinked file lives until the last one closes, as in POSIX.
    open: u32,
    atim: u64,
    mtim: u64,
}

struct Tree {
    nodes: Vec<Option<Node>>,
    free: Vec<usize>,
    /// Bytes of file data held, against `budget`.
    used: u64,
    budget: u64,
    clock: Option<Box<dyn Clock>>,
}

/// A shared handle to an in-memory directory tree.
#[derive(Clone)]
pub struct MemFs {
    tree: SharedCell<Tree>,
}

impl Default for MemFs {
    fn default() -> Self {
        Self::new()
    }
}

impl MemFs {
    /// An empty tree with the default byte budget.
    pub fn new() -> Self {
        Self::with_budget(DEFAULT_BUDGET)
    }

    /// An empty tree holding at most `bytes` of file data.
    pub fn with_budget(bytes: u64) -> Self {
        let root = Node::new(Data::Dir(BTreeMap::new()), 0);
        MemFs {
            tree: SharedCell::new(Tree {
                nodes: alloc::vec![Some(root)],
                free: Vec::new(),
                used: 0,
                budget: bytes,
                clock: None,
            }),
        }
    }

    /// An empty tree whose timestamps come from `clock` (its real-time clock).
    pub fn with_clock(clock: impl Clock + 'static) -> Self {
        let fs = Self::new();
        {
            let mut tree = fs.tree.borrow_mut();
            tree.clock = Some(Box::new(clock));
            let now = tree.now();
            // ok: a new tree always has its root.
            let root = tree.node_mut(ROOT).expect("the root exists");
            (root.atim, root.mtim) = (now, now);
        }
        fs
    }

    /// Creates a directory and its missing parents. Paths are `/`-separated from the root.
    pub fn create_dir_all(&self, path: &str) -> Result<(), Errno> {
        let mut at = String::new();
        for name in path.split('/').filter(|n| !n.is_empty()) {
            at = super::join(&at, name);
            match self
                .tree
                .borrow_mut()
                .create(&at, Data::Dir(BTreeMap::new()))
            {
                Ok(_) | Err(Errno::Exist) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Creates or replaces a file with `contents`, and its missing parent directories.
    pub fn write_file(&self, path: &str, contents: &[u8]) -> Result<(), Errno> {
        let path = path.trim_matches('/');
        if let Some((dir, _)) = path.rsplit_once('/') {
            self.create_dir_all(dir)?;
        }
        let mut f = self.clone().open(
            path,
            OpenOptions {
                write: true,
                create: true,
                truncate: true,
                ..OpenOptions::default()
            },
        )?;
        f.write_at(contents, 0).map(|_| ())
    }

    /// The contents of a file, if there is one at `path`.
    pub fn read_file(&self, path: &str) -> Option<Vec<u8>> {
        let tree = self.tree.borrow_mut();
        let ino = tree.lookup(path.trim_matches('/')).ok()?;
        match &tree.node(ino).ok()?.data {
            Data::File(bytes) => Some(bytes.clone()),
            _ => None,
        }
    }

    /// Creates a symbolic link at `path` pointing to `target`.
    pub fn create_symlink(&self, target: &str, path: &str) -> Result<(), Errno> {
        self.clone().symlink(target, path.trim_matches('/'))
    }

    /// Bytes of file data held.
    pub fn used(&self) -> u64 {
        self.tree.borrow_mut().used
    }
}

impl Node {
    fn new(data: Data, now: u64) -> Self {
        Node {
            data,
            nlink: 1,
            open: 0,
            atim: now,
            mtim: now,
        }
    }
}

impl Tree {
    fn now(&self) -> u64 {
        self.clock
            .as_ref()
            .and_then(|c| c.now(ClockId::Realtime).ok())
            .unwrap_or(0)
    }

    /// Marks a node (and nothing else) modified now.
    fn touch(&mut self, ino: usize) {
        let now = self.now();
        if let Ok(n) = self.node_mut(ino) {
            n.mtim = now;
        }
    }

    fn node(&self, ino: usize) -> Result<&Node, Errno> {
        self.nodes
            .get(ino)
            .and_then(Option::as_ref)
            .ok_or(Errno::Badf)
    }
    fn node_mut(&mut self, ino: usize) -> Result<&mut Node, Errno> {
        self.nodes
            .get_mut(ino)
            .and_then(Option::as_mut)
            .ok_or(Errno::Badf)
    }

    fn lookup(&self, path: &str) -> Result<usize, Errno> {
        let mut ino = ROOT;
        for name in path.split('/').filter(|n| !n.is_empty()) {
            ino = match &self.node(ino)?.data {
                Data::Dir(entries) => *entries.get(name).ok_or(Errno::Noent)?,
                _ => return Err(Errno::Notdir),
            };
        }
        Ok(ino)
    }

    /// The parent directory's inode and the last name of `path`.
    fn parent<'p>(&self, path: &'p str) -> Result<(usize, &'p str), Errno> {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        if name.is_empty() {
            // The root has no parent entry to change.
            return Err(Errno::Busy);
        }
        let dir = self.lookup(dir)?;
        match self.node(dir)?.data {
            Data::Dir(_) => Ok((dir, name)),
            _ => Err(Errno::Notdir),
        }
    }

    fn entries_mut(&mut self, dir: usize) -> Result<&mut BTreeMap<String, usize>, Errno> {
        match &mut self.node_mut(dir)?.data {
            Data::Dir(entries) => Ok(entries),
            _ => Err(Errno::Notdir),
        }
    }

    fn alloc(&mut self, node: Node) -> usize {
        match self.free.pop() {
            Some(i) => {
                self.nodes[i] = Some(node);
                i
            }
            None => {
                self.nodes.push(Some(node));
                self.nodes.len() - 1
            }
        }
    }

    fn create(&mut self, path: &str, data: Data) -> Result<usize, Errno> {
        let (dir, name) = self.parent(path)?;
        if self.entries_mut(dir)?.contains_key(name) {
            return Err(Errno::Exist);
        }
        let ino = self.alloc(Node::new(data, self.now()));
        self.entries_mut(dir)?.insert(name.to_string(), ino);
        self.touch(dir);
        Ok(ino)
    }

    /// Drops one link to `ino`, freeing it once nothing refers to it.
    fn unlink(&mut self, ino: usize) -> Result<(), Errno> {
        let node = self.node_mut(ino)?;
        node.nlink = node.nlink.saturating_sub(1);
        self.collect(ino)
    }

    fn collect(&mut self, ino: usize) -> Result<(), Errno> {
        let node = self.node(ino)?;
        if node.nlink == 0 && node.open == 0 {
            if let Some(Node {
                data: Data::File(bytes),
                ..
            }) = self.nodes[ino].take()
            {
                self.used -= bytes.len() as u64;
            }
            self.free.push(ino);
        }
        Ok(())
    }

    fn stat(&self, ino: usize) -> Result<Filestat, Errno> {
        let node = self.node(ino)?;
        let (filetype, size) = match &node.data {
            Data::File(b) => (FileType::RegularFile, b.len() as u64),
            Data::Dir(e) => (FileType::Directory, e.len() as u64),
            Data::Symlink(t) => (FileType::SymbolicLink, t.len() as u64),
        };
        Ok(Filestat {
            dev: 0,
            ino: ino as u64,
            filetype,
            nlink: node.nlink,
            size,
            atim: node.atim,
            mtim: node.mtim,
            ctim: node.mtim,
        })
    }

    /// Resizes a file's data within the budget.
    fn resize(&mut self, ino: usize, size: u64) -> Result<(), Errno> {
        let (used, budget) = (self.used, self.budget);
        let Data::File(bytes) = &mut self.node_mut(ino)?.data else {
            return Err(Errno::Isdir);
        };
        let old = bytes.len() as u64;
        if size > old && used - old + size > budget {
            return Err(if size > budget {
                Errno::Fbig
            } else {
                Errno::Nospc
            });
        }
        let size = usize::try_from(size).map_err(|_| Errno::Fbig)?;
        bytes.resize(size, 0);
        self.used = used - old + size as u64;
        Ok(())
    }
}

impl Filesystem for MemFs {
    fn stat(&mut self, path: &str) -> Result<Filestat, Errno> {
        let tree = self.tree.borrow_mut();
        tree.stat(tree.lookup(path)?)
    }

    fn open(&mut self, path: &str, o: OpenOptions) -> Result<Box<dyn File>, Errno> {
        let mut tree = self.tree.borrow_mut();
        let ino = match tree.lookup(path) {
            Ok(_) if o.create && o.exclusive => return Err(Errno::Exist),
            Ok(ino) => ino,
            Err(Errno::Noent) if o.create => tree.create(path, Data::File(Vec::new()))?,
            Err(e) => return Err(e),
        };
        match tree.node(ino)?.data {
            Data::File(_) => {}
            Data::Dir(_) => return Err(Errno::Isdir),
            Data::Symlink(_) => return Err(Errno::Loop),
        }
        if o.truncate {
            tree.resize(ino, 0)?;
        }
        tree.node_mut(ino)?.open += 1;
        Ok(Box::new(MemFile {
            tree: self.tree.clone(),
            ino,
        }))
    }

    fn read_dir(&mut self, path: &str) -> Result<Vec<DirEntry>, Errno> {
        let tree = self.tree.borrow_mut();
        let Data::Dir(entries) = &tree.node(tree.lookup(path)?)?.data else {
            return Err(Errno::Notdir);
        };
        entries
            .iter()
            .map(|(name, &ino)| {
                Ok(DirEntry {
                    name: name.clone(),
                    ino: ino as u64,
                    filetype: tree.stat(ino)?.filetype,
                })
            })
            .collect()
    }

    fn create_dir(&mut self, path: &str) -> Result<(), Errno> {
        let mut tree = self.tree.borrow_mut();
        tree.create(path, Data::Dir(BTreeMap::new())).map(|_| ())
    }

    fn remove_dir(&mut self, path: &str) -> Result<(), Errno> {
        let mut tree = self.tree.borrow_mut();
        let (dir, name) = tree.parent(path)?;
        let ino = *tree.entries_mut(dir)?.get(name).ok_or(Errno::Noent)?;
        match &tree.node(ino)?.data {
            Data::Dir(e) if e.is_empty() => {}
            Data::Dir(_) => return Err(Errno::Notempty),
            _ => return Err(Errno::Notdir),
        }
        tree.entries_mut(dir)?.remove(name);
        tree.unlink(ino)
    }

    fn remove_file(&mut self, path: &str) -> Result<(), Errno> {
        let mut tree = self.tree.borrow_mut();
        let (dir, name) = tree.parent(path)?;
        let ino = *tree.entries_mut(dir)?.get(name).ok_or(Errno::Noent)?;
        if let Data::Dir(_) = tree.node(ino)?.data {
            return Err(Errno::Isdir);
        }
        tree.entries_mut(dir)?.remove(name);
        tree.unlink(ino)
    }

    fn rename(&mut self, from: &str, to: &str) -> Result<(), Errno> {
        let mut tree = self.tree.borrow_mut();
        let (from_dir, from_name) = tree.parent(from)?;
        let (to_dir, to_name) = tree.parent(to)?;
        let ino = *tree
            .entries_mut(from_dir)?
            .get(from_name)
            .ok_or(Errno::Noent)?;
        let moving_dir = matches!(tree.node(ino)?.data, Data::Dir(_));
        // A directory cannot move into itself or below itself.
        if moving_dir && (to == from || to.starts_with(&alloc::format!("{from}/"))) {
            return if to == from {
                Ok(())
            } else {
                Err(Errno::Inval)
            };
        }
        if let Some(&old) = tree.entries_mut(to_dir)?.get(to_name) {
            if old == ino {
                return Ok(());
            }
            match (&tree.node(old)?.data, moving_dir) {
                (Data::Dir(e), true) if !e.is_empty() => return Err(Errno::Notempty),
                (Data::Dir(_), true) => {}
                (Data::Dir(_), false) => return Err(Errno::Isdir),
                (_, true) => return Err(Errno::Notdir),
                (_, false) => {}
            }
            tree.entries_mut(to_dir)?.remove(to_name);
            tree.unlink(old)?;
        }
        tree.entries_mut(from_dir)?.remove(from_name);
        tree.entries_mut(to_dir)?.insert(to_name.to_string(), ino);
        Ok(())
    }

    fn set_times(&mut self, path: &str, atim: Option<u64>, mtim: Option<u64>) -> Result<(), Errno> {
        let mut tree = self.tree.borrow_mut();
        let ino = tree.lookup(path)?;
        set_node_times(tree.node_mut(ino)?, atim, mtim);
        Ok(())
    }

    fn hard_link(&mut self, from: &str, to: &str) -> Result<(), Errno> {
        let mut tree = self.tree.borrow_mut();
        let ino = tree.lookup(from)?;
        if let Data::Dir(_) = tree.node(ino)?.data {
            return Err(Errno::Perm);
        }
        let (dir, name) = tree.parent(to)?;
        if tree.entries_mut(dir)?.contains_key(name) {
            return Err(Errno::Exist);
        }
        tree.entries_mut(dir)?.insert(name.to_string(), ino);
        tree.node_mut(ino)?.nlink += 1;
        Ok(())
    }

    fn symlink(&mut self, target: &str, path: &str) -> Result<(), Errno> {
        let mut tree = self.tree.borrow_mut();
        tree.create(path, Data::Symlink(target.to_string()))
            .map(|_| ())
    }

    fn read_link(&mut self, path: &str) -> Result<String, Errno> {
        let tree = self.tree.borrow_mut();
        match &tree.node(tree.lookup(path)?)?.data {
            Data::Symlink(t) => Ok(t.clone()),
            _ => Err(Errno::Inval),
        }
    }
}

fn set_node_times(node: &mut Node, atim: Option<u64>, mtim: Option<u64>) {
    if let Some(t) = atim {
        node.atim = t;
    }
    if let Some(t) = mtim {
        node.mtim = t;
    }
}

/// An open file of a [`MemFs`].
struct MemFile {
    tree: SharedCell<Tree>,
    ino: usize,
}

impl File for MemFile {
    fn read_at(&mut self, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
        let tree = self.tree.borrow_mut();
        let Data::File(bytes) = &tree.node(self.ino)?.data else {
            return Err(Errno::Badf);
        };
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        let n = buf.len().min(bytes.len() - start);
        buf[..n].copy_from_slice(&bytes[start..start + n]);
        Ok(n)
    }

    fn write_at(&mut self, buf: &[u8], offset: u64) -> Result<usize, Errno> {
        let mut tree = self.tree.borrow_mut();
        let end = offset.checked_add(buf.len() as u64).ok_or(Errno::Fbig)?;
        let Data::File(bytes) = &tree.node(self.ino)?.data else {
            return Err(Errno::Badf);
        };
        if end > bytes.len() as u64 {
            tree.resize(self.ino, end)?;
        }
        let Data::File(bytes) = &mut tree.node_mut(self.ino)?.data else {
            return Err(Errno::Badf);
        };
        // `end` fits: the file was just resized to hold it.
        bytes[offset as usize..end as usize].copy_from_slice(buf);
        tree.touch(self.ino);
        Ok(buf.len())
    }

    fn stat(&mut self) -> Result<Filestat, Errno> {
        self.tree.borrow_mut().stat(self.ino)
    }

    fn set_size(&mut self, size: u64) -> Result<(), Errno> {
        let mut tree = self.tree.borrow_mut();
        tree.resize(self.ino, size)?;
        tree.touch(self.ino);
        Ok(())
    }

    fn set_times(&mut self, atim: Option<u64>, mtim: Option<u64>) -> Result<(), Errno> {
        let mut tree = self.tree.borrow_mut();
        set_node_times(tree.node_mut(self.ino)?, atim, mtim);
        Ok(())
    }
}

impl Drop for MemFile {
    fn drop(&mut self) {
        let mut tree = self.tree.borrow_mut();
        if let Ok(node) = tree.node_mut(self.ino) {
            node.open -= 1;
            let _ = tree.collect(self.ino);
        }
    }
}
