//! The WebAssembly features Wisp knows, and how they map onto wasmparser's.

use wasmparser::WasmFeatures as W;

/// A set of WebAssembly proposals. The default is WebAssembly 2.0 as far as Wisp
/// implements it, with the wide-arithmetic proposal; anything outside the set makes a
/// module invalid.
///
/// WebAssembly 3.0's proposals will be added as fields, so outside this crate a set is
/// made from [`Features::default`], [`Features::mvp`] or [`Features::wasm2`] and the
/// `with_*` methods, not with a struct expression:
///
/// ```
/// let f = wisp_validate::Features::default().with_custom_page_sizes(true);
/// assert!(f.custom_page_sizes && f.simd);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Features {
    /// Import and export of mutable globals.
    pub mutable_global: bool,
    /// Non-trapping float-to-int conversions (`i32.trunc_sat_f32_s`, …).
    pub saturating_float_to_int: bool,
    /// Sign-extension operators (`i32.extend8_s`, …).
    pub sign_extension: bool,
    /// Several results for functions and blocks, parameters for blocks.
    pub multi_value: bool,
    /// Bulk memory and table operations, passive segments.
    pub bulk_memory: bool,
    /// `funcref` and `externref` values, several tables.
    pub reference_types: bool,
    /// 128-bit SIMD.
    pub simd: bool,
    /// The relaxed SIMD instructions (WebAssembly 3.0): fused or not multiply-add,
    /// lane select, relaxed swizzle, truncation, min, max, Q15 multiply and dot
    /// products, whose results an engine may choose among. Wisp takes the
    /// deterministic profile's choice for each, the same on every target.
    pub relaxed_simd: bool,
    /// Memories with 1-byte pages (the custom-page-sizes proposal), for devices whose RAM
    /// cannot hold a 64 KiB page. Off by default: it is not part of a standard yet.
    pub custom_page_sizes: bool,
    /// 128-bit addition and subtraction of `i64` pairs, full 64×64-bit products
    /// (`i64.add128`, `i64.mul_wide_s`, …: the wide-arithmetic proposal). On by default,
    /// as in wasmparser; not in [`Features::mvp`] or [`Features::wasm2`].
    pub wide_arithmetic: bool,
    /// `i32.add`, `i64.mul`, … and `global.get` of any immutable global in constant
    /// expressions (WebAssembly 3.0).
    pub extended_const: bool,
    /// `return_call` and `return_call_indirect` (WebAssembly 3.0).
    pub tail_call: bool,
    /// Tags, `throw`, `throw_ref`, `try_table` and `exnref` (WebAssembly 3.0).
    pub exceptions: bool,
    /// The exception instructions that came before `exnref`: `try`, `catch`,
    /// `catch_all`, `delegate` and `rethrow`. Not in any standard, but compilers emitted
    /// them for years and many published binaries hold them.
    pub legacy_exceptions: bool,
    /// Typed function references: `(ref $t)`, non-nullable references, `call_ref`,
    /// `return_call_ref`, `br_on_null`, `br_on_non_null` and `ref.as_non_null`
    /// (WebAssembly 3.0).
    pub function_references: bool,
    /// Garbage collection (WebAssembly 3.0): recursive type groups, subtyping, and the
    /// `any`, `eq`, `i31`, `struct` and `array` types and their instructions.
    pub gc: bool,
    /// Several memories in one module: every memory instruction names its memory, and
    /// `memory.copy` copies between two (WebAssembly 3.0).
    pub multi_memory: bool,
    /// Memories and tables indexed by `i64` (WebAssembly 3.0's memory64, with table64),
    /// so that a memory may be larger than 4 GiB.
    pub memory64: bool,
}

/// The default is WebAssembly 2.0 with wide arithmetic, and the parts of WebAssembly
/// 3.0 that Wisp runs: extended constant expressions, tail calls, exception handling
/// (legacy exceptions included), typed function references, garbage collection,
/// relaxed SIMD, multiple memories and 64-bit memories and tables.
impl Default for Features {
    fn default() -> Self {
        Features::wasm2()
            .with_wide_arithmetic(true)
            .with_extended_const(true)
            .with_tail_call(true)
            .with_exceptions(true)
            .with_legacy_exceptions(true)
            .with_function_references(true)
            .with_gc(true)
            .with_relaxed_simd(true)
            .with_multi_memory(true)
            .with_memory64(true)
    }
}

impl Features {
    /// WebAssembly 1.0, which took in the import and export of mutable globals.
    pub const fn mvp() -> Self {
        Features {
            mutable_global: true,
            saturating_float_to_int: false,
            sign_extension: false,
            multi_value: false,
            bulk_memory: false,
            reference_types: false,
            simd: false,
            relaxed_simd: false,
            custom_page_sizes: false,
            wide_arithmetic: false,
            extended_const: false,
            tail_call: false,
            exceptions: false,
            legacy_exceptions: false,
            function_references: false,
            gc: false,
            multi_memory: false,
            memory64: false,
        }
    }

    /// WebAssembly 2.0.
    pub const fn wasm2() -> Self {
        Features {
            mutable_global: true,
            saturating_float_to_int: true,
            sign_extension: true,
            multi_value: true,
            bulk_memory: true,
            reference_types: true,
            simd: true,
            relaxed_simd: false,
            custom_page_sizes: false,
            wide_arithmetic: false,
            extended_const: false,
            tail_call: false,
            exceptions: false,
            legacy_exceptions: false,
            function_references: false,
            gc: false,
            multi_memory: false,
            memory64: false,
        }
    }

    /// With import and export of mutable globals on or off.
    pub const fn with_mutable_global(mut self, on: bool) -> Self {
        self.mutable_global = on;
        self
    }

    /// With the non-trapping float-to-int conversions on or off.
    pub const fn with_saturating_float_to_int(mut self, on: bool) -> Self {
        self.saturating_float_to_int = on;
        self
    }

    /// With the sign-extension operators on or off.
    pub const fn with_sign_extension(mut self, on: bool) -> Self {
        self.sign_extension = on;
        self
    }

    /// With multi-value on or off.
    pub const fn with_multi_value(mut self, on: bool) -> Self {
        self.multi_value = on;
        self
    }

    /// With bulk memory operations on or off.
    pub const fn with_bulk_memory(mut self, on: bool) -> Self {
        self.bulk_memory = on;
        self
    }

    /// With reference types on or off.
    pub const fn with_reference_types(mut self, on: bool) -> Self {
        self.reference_types = on;
        self
    }

    /// With 128-bit SIMD on or off.
    pub const fn with_simd(mut self, on: bool) -> Self {
        self.simd = on;
        self
    }

    /// With the relaxed SIMD instructions on or off (they need [`Features::simd`]).
    pub const fn with_relaxed_simd(mut self, on: bool) -> Self {
        self.relaxed_simd = on;
        self
    }

    /// With custom page sizes on or off.
    pub const fn with_custom_page_sizes(mut self, on: bool) -> Self {
        self.custom_page_sizes = on;
        self
    }

    /// With the wide-arithmetic instructions on or off.
    pub const fn with_wide_arithmetic(mut self, on: bool) -> Self {
        self.wide_arithmetic = on;
        self
    }

    /// With extended constant expressions on or off.
    pub const fn with_extended_const(mut self, on: bool) -> Self {
        self.extended_const = on;
        self
    }

    /// With tail calls on or off.
    pub const fn with_tail_call(mut self, on: bool) -> Self {
        self.tail_call = on;
        self
    }

    /// With exception handling on or off.
    pub const fn with_exceptions(mut self, on: bool) -> Self {
        self.exceptions = on;
        self
    }

    /// With the legacy exception instructions on or off.
    pub const fn with_legacy_exceptions(mut self, on: bool) -> Self {
        self.legacy_exceptions = on;
        self
    }

    /// With typed function references on or off.
    pub const fn with_function_references(mut self, on: bool) -> Self {
        self.function_references = on;
        self
    }

    /// With garbage collection (recursive groups and subtyping so far) on or off.
    pub const fn with_gc(mut self, on: bool) -> Self {
        self.gc = on;
        self
    }

    /// With several memories per module on or off.
    pub const fn with_multi_memory(mut self, on: bool) -> Self {
        self.multi_memory = on;
        self
    }

    /// With 64-bit memories and tables on or off.
    pub const fn with_memory64(mut self, on: bool) -> Self {
        self.memory64 = on;
        self
    }

    /// The same set in wasmparser's terms, for its parser and validator.
    pub fn to_wasmparser(self) -> W {
        // Always on: features of the encoding that every engine accepts.
        let mut w = W::FLOATS | W::GC_TYPES;
        for (on, flag) in [
            (self.mutable_global, W::MUTABLE_GLOBAL),
            (self.saturating_float_to_int, W::SATURATING_FLOAT_TO_INT),
            (self.sign_extension, W::SIGN_EXTENSION),
            (self.multi_value, W::MULTI_VALUE),
            (self.bulk_memory, W::BULK_MEMORY),
            (self.reference_types, W::REFERENCE_TYPES),
            (self.simd, W::SIMD),
            (self.simd && self.relaxed_simd, W::RELAXED_SIMD),
            (self.custom_page_sizes, W::CUSTOM_PAGE_SIZES),
            (self.wide_arithmetic, W::WIDE_ARITHMETIC),
            (self.extended_const, W::EXTENDED_CONST),
            (self.tail_call, W::TAIL_CALL),
            (self.exceptions, W::EXCEPTIONS),
            (self.legacy_exceptions, W::LEGACY_EXCEPTIONS),
            (self.function_references, W::FUNCTION_REFERENCES),
            (self.gc, W::GC),
            (self.multi_memory, W::MULTI_MEMORY),
            (self.memory64, W::MEMORY64),
        ] {
            if on {
                w |= flag;
            }
        }
        w
    }
}
