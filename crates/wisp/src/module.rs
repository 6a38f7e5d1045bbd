//! Compiled modules.

use crate::engine::Engine;
use crate::error::Error;
use alloc::string::String;
use alloc::vec::Vec;
use wisp_exec::image::ByteSource;
use wisp_exec::CompiledModule;
use wisp_parse::{ExportKind, ImportDesc};
use wisp_types::sync::Shared;
use wisp_types::{ExternType, FuncType};

/// A decoded and validated module, ready to instantiate any number of times.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Shared<CompiledModule>,
}

/// An import the module needs.
#[derive(Debug, Clone)]
pub struct ImportType {
    /// The module name it is imported from.
    pub module: String,
    /// Its name within that module.
    pub name: String,
    /// What it must be.
    pub ty: ExternType,
}

/// An export the module provides.
#[derive(Debug, Clone)]
pub struct ExportType {
    /// The export's name.
    pub name: String,
    /// What it is.
    pub ty: ExternType,
}

impl core::fmt::Debug for Module {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Module")
            .field("functions", &self.inner.module.funcs.len())
            .field("imports", &self.inner.module.imports.len())
            .field("exports", &self.inner.module.exports.len())
            .finish()
    }
}

impl Module {
    /// Shares compiled code. On a 32-bit target without the `sync` feature the code is
    /// not `Sync` (its lazily translated functions sit in plain cells), yet `Shared` is
    /// an `Arc` there because the target has atomics: such a module stays on one thread,
    /// which its missing `Send` enforces.
    #[allow(clippy::arc_with_non_send_sync)]
    fn share(inner: CompiledModule) -> Module {
        Module {
            inner: Shared::new(inner),
        }
    }

    /// Decodes and validates `bytes`: the binary format, or with the `wat` feature the
    /// text format too (anything that is not empty and does not start with a NUL byte,
    /// as the binary format does).
    /// Functions are translated on their first call unless the engine asks for eager
    /// translation.
    #[cfg(feature = "compile")]
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module, Error> {
        let bytes = bytes.as_ref();
        #[cfg(feature = "wat")]
        let text;
        #[cfg(feature = "wat")]
        let bytes = match crate::text::to_binary(bytes, None)? {
            Some(binary) => {
                text = binary;
                &text[..]
            }
            None => bytes,
        };
        Self::from_binary(engine, bytes)
    }

    /// Whether `bytes` is a valid module for `engine`'s features (the binary format, or
    /// text with the `wat` feature), without keeping it: the error says where and why
    /// when it is not.
    #[cfg(feature = "compile")]
    pub fn validate(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<(), Error> {
        Self::new(engine, bytes).map(drop)
    }

    /// [`Module::new`] of a binary module without validating it, as wasmtime's
    /// `Module::from_binary_unchecked`: for a cache that has seen this build validate the
    /// same bytes with the same configuration (`wisp run` keeps one). Sections are still
    /// decoded, and functions are translated on their first call (even with eager
    /// translation configured); only the validation of their bodies is skipped, which is
    /// most of the time a large module takes to load.
    ///
    /// # Safety
    /// `bytes` must be a module that [`Module::new`] accepts on an engine of this build
    /// with the same configuration. The translator and the loop rely on the code being
    /// valid: an invalid body may make them read or write outside the frame.
    #[cfg(feature = "compile")]
    #[allow(unsafe_code)]
    pub unsafe fn from_binary_unchecked(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let c = &engine.config;
        let inner = wisp_exec::compile_prevalidated(bytes, c.features, c.translate_config())?;
        Ok(Module::share(inner))
    }

    /// Reads the module in the file at `path`: binary, or text (`.wat`) with the `wat`
    /// feature, whose errors then name the file and the line.
    #[cfg(feature = "std")]
    pub fn from_file(engine: &Engine, path: impl AsRef<std::path::Path>) -> Result<Module, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::Usage(alloc::format!("cannot read {}: {e}", path.display())))?;
        #[cfg(feature = "wat")]
        if let Some(binary) = crate::text::to_binary(&bytes, Some(path))? {
            return Self::from_binary(engine, &binary);
        }
        Self::from_binary(engine, &bytes)
    }

    #[cfg(feature = "compile")]
    fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let c = &engine.config;
        let inner = if c.eager {
            wisp_exec::compile_eager(bytes, c.features, c.translate_config())?
        } else {
            wisp_exec::compile(bytes, c.features, c.translate_config())?
        };
        Ok(Module::share(inner))
    }

    /// The module as a pre-translated image (every function translated now), for
    /// [`Module::from_image`] on a device whose build leaves out the decoder, the
    /// validator and the translator. `wisp compile` writes one to a file.
    #[cfg(feature = "compile")]
    pub fn to_image(&self) -> Result<Vec<u8>, Error> {
        Ok(wisp_exec::image::write_image(&self.inner)?)
    }

    /// Loads an image that [`Module::to_image`] (or `wisp compile`) wrote. The engine
    /// must meter fuel exactly when the image's code does.
    ///
    /// # Safety
    /// `image` must come from `to_image` of this version of Wisp, unaltered. Its
    /// structure and checksum are checked, but its code is trusted as the translator
    /// wrote it: instructions name stack slots and branch targets that the loop uses
    /// without checking them again, so a crafted image can make it read or write outside
    /// its stack. Do not load images from an untrusted source; load the Wasm instead.
    #[allow(unsafe_code)]
    pub unsafe fn from_image(engine: &Engine, image: &[u8]) -> Result<Module, Error> {
        // SAFETY: the caller's promise, passed on.
        unsafe { Self::from_image_source(engine, &image) }
    }

    /// [`Module::from_image`] reading the image through a [`ByteSource`]: from storage
    /// the CPU cannot address (an AVR's program memory, SPI flash), a piece at a time,
    /// so the image is never copied into RAM whole.
    ///
    /// # Safety
    /// As for [`Module::from_image`].
    #[allow(unsafe_code)]
    pub unsafe fn from_image_source(
        engine: &Engine,
        image: &dyn ByteSource,
    ) -> Result<Module, Error> {
        Self::from_read_image(engine, wisp_exec::image::read_image_from(image))
    }

    /// [`Module::from_image`] of an image that stays where it is for the program's life,
    /// typically in flash the CPU maps into its address space: its functions run their
    /// code where it lies, so code takes no RAM (execute in place). Only the module's
    /// structures (types, imports, exports, data segments) are copied.
    ///
    /// The image must be 8-byte aligned in memory (`include_bytes!` into a
    /// `#[repr(align(8))]` static), and the target must lay instructions out as an image
    /// does: little-endian, with `u64` aligned to 8 bytes (Cortex-M, RISC-V, x86-64,
    /// AArch64; not AVR). Otherwise it is refused with the reason, and
    /// [`Module::from_image`] loads it with a copy.
    ///
    /// # Safety
    /// As for [`Module::from_image`].
    #[allow(unsafe_code)]
    pub unsafe fn from_image_in_place(
        engine: &Engine,
        image: &'static [u8],
    ) -> Result<Module, Error> {
        Self::from_read_image(engine, wisp_exec::image::read_image_in_place(image))
    }

    fn from_read_image(
        engine: &Engine,
        read: Result<(wisp_exec::CompiledModule, bool), wisp_exec::image::ImageError>,
    ) -> Result<Module, Error> {
        let (inner, fuel) = read.map_err(|e| Error::Compile {
            message: e.message.into(),
            offset: e.offset,
            kind: crate::CompileErrorKind::Image,
        })?;
        // Shared first: an error below then drops the module through the `Arc`'s
        // out-of-line drop instead of an inlined copy of the module's drop glue.
        let module = Module::share(inner);
        // Epoch interruption runs on the fuel checks too.
        let metered = engine.config.fuel || engine.config.epoch_on();
        if fuel != metered {
            return Err(Error::Usage(message!(
                "the image was compiled {image} fuel metering and the engine runs {engine} it",
                image = if fuel { "with" } else { "without" },
                engine = if metered { "with" } else { "without" },
            )));
        }
        Ok(module)
    }

    fn func_type(&self, idx: u32) -> FuncType {
        self.inner
            .module
            .func_type(idx)
            .cloned()
            .unwrap_or_else(|| FuncType::new([], []))
    }

    /// The module's imports, in order.
    pub fn imports(&self) -> Vec<ImportType> {
        let m = &self.inner.module;
        m.imports
            .iter()
            .map(|i| ImportType {
                module: i.module.clone(),
                name: i.name.clone(),
                ty: match &i.desc {
                    ImportDesc::Func(t) => ExternType::Func(
                        m.func_type_at(*t)
                            .cloned()
                            .unwrap_or_else(|| FuncType::new([], [])),
                    ),
                    ImportDesc::Table(t) => ExternType::Table(*t),
                    ImportDesc::Memory(t) => ExternType::Memory(*t),
                    ImportDesc::Global(t) => ExternType::Global(*t),
                    ImportDesc::Tag(t) => ExternType::Tag(
                        m.func_type_at(*t)
                            .cloned()
                            .unwrap_or_else(|| FuncType::new([], [])),
                    ),
                },
            })
            .collect()
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> Vec<ExportType> {
        let m = &self.inner.module;
        m.exports
            .iter()
            .filter_map(|e| {
                let i = e.index as usize;
                let ty = match e.kind {
                    ExportKind::Func => ExternType::Func(self.func_type(e.index)),
                    ExportKind::Table => ExternType::Table(m.tables.get(i)?.ty),
                    ExportKind::Memory => ExternType::Memory(*m.memories.get(i)?),
                    ExportKind::Global => ExternType::Global(m.globals.get(i)?.ty),
                    ExportKind::Tag => ExternType::Tag(m.tag_type(e.index)?.clone()),
                };
                Some(ExportType {
                    name: e.name.clone(),
                    ty,
                })
            })
            .collect()
    }

    /// The name of function `idx` from the name section, if any.
    pub fn func_name(&self, idx: u32) -> Option<&str> {
        self.inner.module.func_name(idx)
    }

    /// The number of functions, imported ones first.
    pub fn func_count(&self) -> u32 {
        self.inner.module.funcs.len() as u32
    }

    /// The number of imported functions: the first defined function's index.
    pub fn imported_func_count(&self) -> u32 {
        self.inner.module.num_imported_funcs
    }

    /// The index of the function exported as `name`, or else of the one the name
    /// section calls so.
    pub fn func_index(&self, name: &str) -> Option<u32> {
        let m = &self.inner.module;
        m.exports
            .iter()
            .find(|e| e.kind == ExportKind::Func && e.name == name)
            .map(|e| e.index)
            .or_else(|| {
                m.func_names
                    .iter()
                    .find(|(_, n)| n.as_str() == name)
                    .map(|(i, _)| *i)
            })
    }

    /// What Wisp's translator made of function `idx` (counting imported functions), as
    /// text: one instruction a line with its index, branch targets as instruction
    /// indices. For looking at the code of a hot loop; the format is not stable. An
    /// imported function has no code.
    pub fn disassemble(&self, idx: u32) -> Result<String, Error> {
        let defined = idx
            .checked_sub(self.inner.module.num_imported_funcs)
            .filter(|_| idx < self.func_count())
            .ok_or_else(|| {
                Error::Usage(message!("function {idx} is imported or does not exist"))
            })?;
        let code = self.inner.code(defined as usize)?;
        let mut text = String::new();
        wisp_exec::ir::disassemble(&code.ops, &mut text)
            .map_err(|_| Error::Usage("formatting the code failed".into()))?;
        Ok(text)
    }
}
