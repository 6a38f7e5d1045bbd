//! Encodes spec scripts (`.wast`) into the compact records the on-target spec runner
//! (`tests/spec.rs`) reads, so the device never parses text: modules become binary, values
//! fixed-width. The format, little-endian, each record starting with its kind and the
//! directive's line:
//!
//! ```text
//! header:  flags u8 (bit 0: the script needs one store for all its modules)
//! 1 module      name, module           load and instantiate; expect success
//! 2 register    as, name               (empty name: the last instance)
//! 3 invoke      module, field, args, expect (0 results, 1 trap msg, 2 exhaustion msg, 3 none)
//! 4 get         module, global, expected value
//! 5 rejected    bytes                  invalid or malformed: must not compile
//! 6 unlinkable  module                 loads but must not link
//! 7 trap module module, message        instantiation traps
//! 8 fresh store                        drop the store, then instantiate and register
//!                                      again the modules registered so far
//! ```
//! A script whose modules link to each other keeps one store, and on a device with little
//! RAM its instances pile up. Where no later directive names an earlier instance and every
//! module registered so far is stateless (functions only), a module record is preceded
//! by a fresh-store record: the registered modules, instantiated again, behave the same.
//! Strings and byte runs are a u32 length and the bytes; value lists a u8 count. A
//! module that must load is pre-translated here, on the host, and its image put in a
//! second file beside the script, each image 8-byte aligned, so that the device runs its
//! code where it lies in flash: then `module` is 1, the image's offset and length (u32
//! each). A module the host cannot translate (which the device would then fail on too)
//! is 0 and its bytes, which the device decodes itself. A rejected module is always
//! decoded and validated on the device. A value
//! is a kind (0 i32, 1 i64, 2 f32, 3 f64, 4/5 f32 canonical/arithmetic NaN, 6/7 f64,
//! 8 null funcref, 9 null externref, 10 externref n, 11 any non-null funcref) and 8 bytes.
//! Text modules the `wast` parser cannot encode (malformed text) test the parser, not
//! Wisp, and are left out; so are directives no v1 script uses.

use wast::core::{HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

pub struct Encoded {
    pub bytes: Vec<u8>,
    /// The pre-translated images the records name, each at a multiple of 8.
    pub images: Vec<u8>,
}

/// A module that must load: as an image in `images` if the host translates it.
fn module(rec: &mut Out, images: &mut Vec<u8>, wasm: &[u8]) {
    // As the device runs them: default features, no fuel.
    let engine = wisp::Engine::default();
    match wisp::Module::new(&engine, wasm).and_then(|m| m.to_image()) {
        Ok(image) => {
            images.resize(images.len().next_multiple_of(8), 0);
            rec.u8(1);
            rec.u32(images.len() as u32);
            rec.u32(image.len() as u32);
            images.extend_from_slice(&image);
        }
        Err(_) => {
            rec.u8(0);
            rec.bytes(wasm);
        }
    }
}

struct Out {
    b: Vec<u8>,
}

impl Out {
    fn u8(&mut self, v: u8) {
        self.b.push(v)
    }
    fn u32(&mut self, v: u32) {
        self.b.extend_from_slice(&v.to_le_bytes())
    }
    fn bytes(&mut self, v: &[u8]) {
        self.u32(v.len() as u32);
        self.b.extend_from_slice(v)
    }
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes())
    }
    fn value(&mut self, kind: u8, bits: u64) {
        self.u8(kind);
        self.b.extend_from_slice(&bits.to_le_bytes());
    }
}

fn arg(a: &WastArg) -> Option<(u8, u64)> {
    let WastArg::Core(a) = a else { return None };
    Some(match a {
        WastArgCore::I32(v) => (0, *v as u32 as u64),
        WastArgCore::I64(v) => (1, *v as u64),
        WastArgCore::F32(v) => (2, v.bits as u64),
        WastArgCore::F64(v) => (3, v.bits),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: wast::core::AbstractHeapType::Extern,
            ..
        }) => (9, 0),
        WastArgCore::RefNull(_) => (8, 0),
        WastArgCore::RefExtern(n) => (10, *n as u64),
        _ => return None,
    })
}

fn ret(r: &WastRet) -> Option<(u8, u64)> {
    let WastRet::Core(r) = r else { return None };
    Some(match r {
        WastRetCore::I32(v) => (0, *v as u32 as u64),
        WastRetCore::I64(v) => (1, *v as u64),
        WastRetCore::F32(NanPattern::Value(v)) => (2, v.bits as u64),
        WastRetCore::F32(NanPattern::CanonicalNan) => (4, 0),
        WastRetCore::F32(NanPattern::ArithmeticNan) => (5, 0),
        WastRetCore::F64(NanPattern::Value(v)) => (3, v.bits),
        WastRetCore::F64(NanPattern::CanonicalNan) => (6, 0),
        WastRetCore::F64(NanPattern::ArithmeticNan) => (7, 0),
        WastRetCore::RefNull(Some(HeapType::Abstract {
            ty: wast::core::AbstractHeapType::Extern,
            ..
        })) => (9, 0),
        WastRetCore::RefNull(_) => (8, 0),
        WastRetCore::RefExtern(Some(n)) => (10, *n as u64),
        WastRetCore::RefFunc(_) => (11, 0),
        _ => return None,
    })
}

fn invoke(o: &mut Out, i: &WastInvoke) -> Option<()> {
    o.str(i.module.map_or("", |m| m.name()));
    o.str(i.name);
    let args: Vec<_> = i.args.iter().map(arg).collect::<Option<_>>()?;
    o.u8(args.len() as u8);
    for (k, b) in args {
        o.value(k, b);
    }
    Some(())
}

/// Whether a module of a script is stateless (functions and types only, no imports):
/// instantiated again, it behaves the same.
fn stateless(m: &QuoteWat) -> bool {
    use wast::core::{ModuleField, ModuleKind};
    let QuoteWat::Wat(wast::Wat::Module(m)) = m else {
        return false;
    };
    let ModuleKind::Text(fields) = &m.kind else {
        return false;
    };
    fields.iter().all(|f| {
        matches!(
            f,
            ModuleField::Type(_)
                | ModuleField::Rec(_)
                | ModuleField::Func(_)
                | ModuleField::Export(_)
        )
    })
}

/// For each directive that defines a module, whether the store may be made fresh
/// before it (see the module documentation).
fn fresh_points(directives: &[WastDirective]) -> Vec<bool> {
    let mut defined: Vec<(usize, Option<String>)> = Vec::new();
    let mut referenced: Vec<(usize, String)> = Vec::new();
    let mut replayable = Vec::new();
    let mut last_module = None;
    for (i, d) in directives.iter().enumerate() {
        match d {
            WastDirective::Module(m) => {
                let name = match m {
                    QuoteWat::Wat(wast::Wat::Module(m)) => m.id.map(|i| i.name().to_string()),
                    _ => None,
                };
                defined.push((i, name));
                last_module = Some(i);
            }
            WastDirective::Register { module, .. } => {
                if let Some(m) = module {
                    referenced.push((i, m.name().to_string()));
                }
                // The module registered is the named one or the last; it must be
                // stateless to be instantiated again.
                let source = module
                    .and_then(|n| {
                        defined
                            .iter()
                            .rev()
                            .find(|(_, d)| d.as_deref() == Some(n.name()))
                    })
                    .map(|(at, _)| *at)
                    .or(last_module);
                let ok = source.is_some_and(|at| match &directives[at] {
                    WastDirective::Module(m) => stateless(m),
                    _ => false,
                });
                replayable.push((i, ok));
            }
            WastDirective::Invoke(inv) => {
                if let Some(m) = inv.module {
                    referenced.push((i, m.name().to_string()));
                }
            }
            WastDirective::AssertReturn { exec, .. } | WastDirective::AssertTrap { exec, .. } => {
                match exec {
                    WastExecute::Invoke(inv) => {
                        if let Some(m) = inv.module {
                            referenced.push((i, m.name().to_string()));
                        }
                    }
                    WastExecute::Get {
                        module: Some(m), ..
                    } => referenced.push((i, m.name().to_string())),
                    _ => {}
                }
            }
            WastDirective::AssertExhaustion { call, .. } => {
                if let Some(m) = call.module {
                    referenced.push((i, m.name().to_string()));
                }
            }
            _ => {}
        }
    }
    let mut out = vec![false; directives.len()];
    for &(k, _) in &defined {
        // Nothing after `k` names a module defined before it, and every registration
        // before it can be repeated.
        let names_earlier = referenced.iter().any(|(at, name)| {
            *at > k
                && defined
                    .iter()
                    .rev()
                    .find(|(d, n)| *d < *at && n.as_deref() == Some(name.as_str()))
                    .is_some_and(|(d, _)| *d < k)
        });
        let registered: Vec<bool> = replayable
            .iter()
            .filter(|(at, _)| *at < k)
            .map(|(_, ok)| *ok)
            .collect();
        out[k] = !registered.is_empty() && registered.iter().all(|&ok| ok) && !names_earlier;
    }
    out
}

/// Whether an action names a module other than the one defined last: then earlier
/// instances must stay alive, and the device keeps one store for the whole script.
fn other_module(module: Option<wast::token::Id>, last: &Option<String>) -> bool {
    module.is_some_and(|m| last.as_deref() != Some(m.name()))
}

pub fn encode(source: &str) -> Encoded {
    // names.wast exports names with bidirectional-text characters on purpose.
    let mut lexer = wast::lexer::Lexer::new(source);
    lexer.allow_confusing_unicode(true);
    let buf = wast::parser::ParseBuffer::new_with_lexer(lexer).expect("lexes");
    let script = wast::parser::parse::<Wast>(&buf).expect("parses");
    let mut o = Out { b: vec![0] };
    let mut images = Vec::new();
    let mut shared = false;
    let mut last_name: Option<String> = None;
    let fresh = fresh_points(&script.directives);
    for (index, d) in script.directives.into_iter().enumerate() {
        let (line, _) = d.span().linecol_in(source);
        let mut rec = Out { b: Vec::new() };
        if fresh[index] {
            o.u8(8);
            o.u32(line as u32 + 1);
        }
        let ok = (|| -> Option<()> {
            match d {
                WastDirective::Module(mut m) => {
                    let name = match &m {
                        QuoteWat::Wat(wast::Wat::Module(m)) => m.id.map(|i| i.name()),
                        _ => None,
                    };
                    last_name = name.map(String::from);
                    rec.u8(1);
                    rec.u32(line as u32 + 1);
                    rec.str(name.unwrap_or(""));
                    module(&mut rec, &mut images, &m.encode().ok()?);
                }
                WastDirective::Register { name, module, .. } => {
                    shared = true;
                    rec.u8(2);
                    rec.u32(line as u32 + 1);
                    rec.str(name);
                    rec.str(module.map_or("", |m| m.name()));
                }
                WastDirective::Invoke(i) => {
                    rec.u8(3);
                    rec.u32(line as u32 + 1);
                    shared |= other_module(i.module, &last_name);
                    invoke(&mut rec, &i)?;
                    rec.u8(3);
                }
                WastDirective::AssertReturn {
                    exec: WastExecute::Invoke(i),
                    results,
                    ..
                } => {
                    rec.u8(3);
                    rec.u32(line as u32 + 1);
                    shared |= other_module(i.module, &last_name);
                    invoke(&mut rec, &i)?;
                    rec.u8(0);
                    let rs: Vec<_> = results.iter().map(ret).collect::<Option<_>>()?;
                    rec.u8(rs.len() as u8);
                    for (k, b) in rs {
                        rec.value(k, b);
                    }
                }
                WastDirective::AssertReturn {
                    exec: WastExecute::Get { module, global, .. },
                    results,
                    ..
                } => {
                    rec.u8(4);
                    rec.u32(line as u32 + 1);
                    shared |= other_module(module, &last_name);
                    rec.str(module.map_or("", |m| m.name()));
                    rec.str(global);
                    let (k, b) = ret(results.first()?)?;
                    rec.value(k, b);
                }
                WastDirective::AssertTrap {
                    exec: WastExecute::Invoke(i),
                    message,
                    ..
                } => {
                    rec.u8(3);
                    rec.u32(line as u32 + 1);
                    shared |= other_module(i.module, &last_name);
                    invoke(&mut rec, &i)?;
                    rec.u8(1);
                    rec.str(message);
                }
                WastDirective::AssertTrap {
                    exec: WastExecute::Wat(mut w),
                    message,
                    ..
                } => {
                    rec.u8(7);
                    rec.u32(line as u32 + 1);
                    module(&mut rec, &mut images, &w.encode().ok()?);
                    rec.str(message);
                }
                WastDirective::AssertExhaustion { call, message, .. } => {
                    rec.u8(3);
                    rec.u32(line as u32 + 1);
                    shared |= other_module(call.module, &last_name);
                    invoke(&mut rec, &call)?;
                    rec.u8(2);
                    rec.str(message);
                }
                WastDirective::AssertInvalid { mut module, .. }
                | WastDirective::AssertMalformed { mut module, .. } => {
                    rec.u8(5);
                    rec.u32(line as u32 + 1);
                    rec.bytes(&module.encode().ok()?);
                }
                WastDirective::AssertUnlinkable { mut module, .. } => {
                    rec.u8(6);
                    rec.u32(line as u32 + 1);
                    let wasm = module.encode().ok()?;
                    self::module(&mut rec, &mut images, &wasm);
                }
                _ => return None,
            }
            Some(())
        })();
        if ok.is_some() {
            o.b.extend_from_slice(&rec.b);
        }
    }
    o.b[0] = shared as u8;
    Encoded { bytes: o.b, images }
}
