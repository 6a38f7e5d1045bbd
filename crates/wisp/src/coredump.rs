//! Wasm coredumps: what a trapping program's instances held, in the tool-conventions
//! format (<https://github.com/WebAssembly/tool-conventions/blob/main/Coredump.md>) that
//! `wasm-tools` and wasmgdb read.
//!
//! A coredump is a Wasm module that is never instantiated: custom sections `core`
//! (the program's name), `coremodules`, `coreinstances` and `corestack` (the frames, each
//! with its function, its code offset and its parameters), a memory section with each
//! memory at its size, a data section with the memories' bytes (the pages that are not
//! all zero), and a global section with the globals' values.

use crate::func::frame_location;
use crate::store::Store;
use alloc::vec::Vec;
use wisp_exec::Stack;
use wisp_store::{FuncKind, InstanceAddr};
use wisp_types::{RawVal, ValType};

/// What a trap left: taken when [`crate::Config::coredump_on_trap`] is on, before the
/// stack is unwound. [`CoreDump::serialize`] writes it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreDump {
    /// The sections after `core`, encoded.
    sections: Vec<u8>,
    /// Frames recorded, innermost first.
    frames: usize,
}

/// The bytes of memory written as one data segment: an all-zero chunk is left out.
const CHUNK: u64 = 64 << 10;

impl CoreDump {
    /// The coredump as a file's bytes, naming the program `name`.
    pub fn serialize(&self, name: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.sections.len() + name.len() + 16);
        out.extend_from_slice(b"\0asm\x01\0\0\0");
        let mut core = Vec::new();
        core.push(0);
        name_bytes(&mut core, name);
        custom(&mut out, "core", &core);
        out.extend_from_slice(&self.sections);
        out
    }

    /// How many Wasm frames it holds.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Takes a coredump of the run stopped on `stack`.
    pub(crate) fn capture<T>(store: &Store<T>, stack: &Stack) -> CoreDump {
        let states = stack.frame_states();
        // The instances in the order their frames first appear.
        let mut instances: Vec<InstanceAddr> = Vec::new();
        for s in &states {
            if !instances.contains(&s.instance) {
                instances.push(s.instance);
            }
        }
        let inner = &store.inner;
        let mut sections = Vec::new();

        // One module per instance: the modules are not kept by name.
        let mut modules = Vec::new();
        leb(&mut modules, instances.len() as u64);
        for i in 0..instances.len() {
            modules.push(0);
            name_bytes(&mut modules, &alloc::format!("module{i}"));
        }
        custom(&mut sections, "coremodules", &modules);

        let (mut mem_section, mut data, mut global_section) = (Vec::new(), Vec::new(), Vec::new());
        let (mut n_mems, mut n_segments, mut n_globals) = (0u32, 0u32, 0u32);
        let mut list = Vec::new();
        leb(&mut list, instances.len() as u64);
        for (i, addr) in instances.iter().enumerate() {
            let inst = &inner.instances[addr.0 as usize];
            list.push(0);
            leb(&mut list, i as u64);
            leb(&mut list, inst.mems.len() as u64);
            for &m in &inst.mems {
                leb(&mut list, u64::from(n_mems));
                let mem = &inner.mems[m as usize];
                memory(&mut mem_section, mem);
                n_segments += segments(&mut data, n_mems, mem);
                n_mems += 1;
            }
            leb(&mut list, inst.globals.len() as u64);
            for &g in &inst.globals {
                leb(&mut list, u64::from(n_globals));
                global(&mut global_section, &inner.globals[g as usize]);
                n_globals += 1;
            }
        }
        custom(&mut sections, "coreinstances", &list);
        section(&mut sections, 5, n_mems, &mem_section);
        section(&mut sections, 6, n_globals, &global_section);
        section(&mut sections, 11, n_segments, &data);

        let mut frames = Vec::new();
        let mut n_frames = 0u64;
        for s in &states {
            let FuncKind::Wasm { code, .. } = &inner.funcs[s.func.0 as usize].kind else {
                continue;
            };
            let m = &code.module.module;
            let func_index = m.num_imported_funcs + code.index;
            let at = frame_location(store, s.func, s.ip);
            let instance = instances.iter().position(|a| *a == s.instance).unwrap_or(0);
            frames.push(0);
            leb(&mut frames, instance as u64);
            leb(&mut frames, u64::from(func_index));
            leb(&mut frames, at.map_or(0, |(_, in_func)| in_func as u64));
            // The parameters, from the frame's first cells; the declared locals and the
            // operand stack are not described by the translated code, so they are left
            // out (the format allows a partial frame).
            let params: Vec<ValType> = m
                .func_type(func_index)
                .map(|t| t.params().to_vec())
                .unwrap_or_default();
            let cells: usize = params.iter().map(|t| t.cells()).sum();
            let values = stack.cells_at(s.base, cells);
            leb(&mut frames, params.len() as u64);
            let mut at_cell = 0;
            for t in &params {
                match values {
                    Some(v) => value(&mut frames, *t, &v[at_cell..at_cell + t.cells()]),
                    None => frames.push(0x01),
                }
                at_cell += t.cells();
            }
            leb(&mut frames, 0);
            n_frames += 1;
        }
        let mut corestack = Vec::new();
        corestack.push(0);
        name_bytes(&mut corestack, "main");
        leb(&mut corestack, n_frames);
        corestack.extend_from_slice(&frames);
        custom(&mut sections, "corestack", &corestack);
        CoreDump {
            sections,
            frames: n_frames as usize,
        }
    }
}

/// A memory type with the memory's size now as its minimum.
fn memory(out: &mut Vec<u8>, mem: &wisp_store::MemInst) {
    let pages = mem.size_bytes().div_ceil(1 << 16);
    out.push(if mem.ty.memory64 { 0x04 } else { 0x00 });
    leb(out, pages);
}

/// Data segments for the chunks of `mem` that are not all zero; returns how many.
fn segments(out: &mut Vec<u8>, index: u32, mem: &wisp_store::MemInst) -> u32 {
    let mut n = 0;
    let mut buf = alloc::vec![0u8; CHUNK as usize];
    let size = mem.size_bytes();
    let mut at = 0u64;
    while at < size {
        let len = CHUNK.min(size - at) as usize;
        let chunk = &mut buf[..len];
        // A paged memory that cannot be read shared is left out, as a partial dump.
        if mem.read_shared(at, chunk).is_err() || chunk.iter().all(|&b| b == 0) {
            at += len as u64;
            continue;
        }
        if index == 0 {
            out.push(0x00);
        } else {
            out.push(0x02);
            leb(out, u64::from(index));
        }
        if mem.ty.memory64 {
            out.push(0x42);
            sleb(out, at as i64);
        } else {
            out.push(0x41);
            sleb(out, i64::from(at as u32 as i32));
        }
        out.push(0x0b);
        leb(out, len as u64);
        out.extend_from_slice(chunk);
        n += 1;
        at += len as u64;
    }
    n
}

/// A constant global holding `g`'s value. References are written as null ones: their
/// targets are not in the dump.
fn global(out: &mut Vec<u8>, g: &wisp_store::GlobalInst) {
    let (v, hi) = (g.value.0, g.hi.0);
    match g.ty.content {
        ValType::I32 => {
            out.extend_from_slice(&[0x7f, 0x00, 0x41]);
            sleb(out, i64::from(v as u32 as i32));
        }
        ValType::I64 => {
            out.extend_from_slice(&[0x7e, 0x00, 0x42]);
            sleb(out, v as i64);
        }
        ValType::F32 => {
            out.extend_from_slice(&[0x7d, 0x00, 0x43]);
            out.extend_from_slice(&(v as u32).to_le_bytes());
        }
        ValType::F64 => {
            out.extend_from_slice(&[0x7c, 0x00, 0x44]);
            out.extend_from_slice(&v.to_le_bytes());
        }
        ValType::V128 => {
            out.extend_from_slice(&[0x7b, 0x00, 0xfd, 0x0c]);
            out.extend_from_slice(&v.to_le_bytes());
            out.extend_from_slice(&hi.to_le_bytes());
        }
        _ => out.extend_from_slice(&[0x70, 0x00, 0xd0, 0x70]),
    }
    out.push(0x0b);
}

/// A frame's value of type `t` from its cells; `0x01` (missing) for types the format
/// has no code for.
fn value(out: &mut Vec<u8>, t: ValType, cells: &[RawVal]) {
    let v = cells[0].0;
    match t {
        ValType::I32 => {
            out.push(0x7f);
            sleb(out, i64::from(v as u32 as i32));
        }
        ValType::I64 => {
            out.push(0x7e);
            sleb(out, v as i64);
        }
        ValType::F32 => {
            out.push(0x7d);
            out.extend_from_slice(&(v as u32).to_le_bytes());
        }
        ValType::F64 => {
            out.push(0x7c);
            out.extend_from_slice(&v.to_le_bytes());
        }
        _ => out.push(0x01),
    }
}

fn section(out: &mut Vec<u8>, id: u8, count: u32, body: &[u8]) {
    if count == 0 {
        return;
    }
    let mut content = Vec::with_capacity(body.len() + 5);
    leb(&mut content, u64::from(count));
    content.extend_from_slice(body);
    out.push(id);
    leb(out, content.len() as u64);
    out.extend_from_slice(&content);
}

fn custom(out: &mut Vec<u8>, name: &str, body: &[u8]) {
    let mut content = Vec::with_capacity(body.len() + name.len() + 5);
    name_bytes(&mut content, name);
    content.extend_from_slice(body);
    out.push(0);
    leb(out, content.len() as u64);
    out.extend_from_slice(&content);
}

fn name_bytes(out: &mut Vec<u8>, name: &str) {
    leb(out, name.len() as u64);
    out.extend_from_slice(name.as_bytes());
}

use wisp_types::leb128::{write_signed as sleb, write_unsigned as leb};
