//! Workloads shared by the Wisp benchmarks.
//!
//! The workloads are WebAssembly text files in `wat/`, embedded here at build time and
//! turned into binary modules with the `wast` crate when a benchmark starts. They live in
//! this library rather than in a bench target so that every bench target (and this
//! crate's tests) runs exactly the same modules with the same arguments and expected
//! results, and so that the check that both engines compute the right answer is written
//! once. Keeping the text in the repository, rather than binary modules, means each
//! workload can be read and reviewed.

/// One benchmark workload: a module exporting `func: (i32) -> i32`, called with `arg`.
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    /// The benchmark group's name.
    pub name: &'static str,
    /// The module, as WebAssembly text.
    pub wat: &'static str,
    /// The exported function to call.
    pub func: &'static str,
    /// Its argument.
    pub arg: i32,
    /// What it must return; checked on every engine before anything is timed.
    pub expected: i32,
}

impl Workload {
    /// The module as a WebAssembly binary.
    ///
    /// # Panics
    ///
    /// If the text does not parse; the workloads are fixed, so that is a bug here.
    pub fn wasm(&self) -> Vec<u8> {
        wat_to_wasm(self.wat).unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }
}

/// Recursive `fib(25)`: call and return overhead.
pub const FIB: Workload = Workload {
    name: "fib",
    wat: include_str!("../wat/fib.wat"),
    func: "fib",
    arg: 25,
    expected: 75025,
};

/// Sieve of Eratosthenes below 100 000 over linear memory: loops, branches, byte
/// loads and stores.
pub const SIEVE: Workload = Workload {
    name: "sieve",
    wat: include_str!("../wat/sieve.wat"),
    func: "sieve",
    arg: 100_000,
    expected: 9592,
};

/// Every workload, in the order they are benchmarked.
pub const WORKLOADS: &[Workload] = &[FIB, SIEVE];

/// Converts WebAssembly text (a module) to its binary encoding.
pub fn wat_to_wasm(text: &str) -> Result<Vec<u8>, wast::Error> {
    let buf = wast::parser::ParseBuffer::new(text)?;
    let mut wat = wast::parser::parse::<wast::Wat>(&buf)?;
    wat.encode()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_wisp(w: &Workload) -> i32 {
        let engine = wisp::Engine::default();
        let module = wisp::Module::new(&engine, &w.wasm()).unwrap();
        let mut store = wisp::Store::new(&engine, ());
        let instance = wisp::Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let f = instance.get_typed_func::<i32, i32>(&store, w.func).unwrap();
        f.call(&mut store, w.arg).unwrap()
    }

    fn run_wasmi(w: &Workload) -> i32 {
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, w.wasm()).unwrap();
        let mut store = wasmi::Store::new(&engine, ());
        let instance = wasmi::Linker::<()>::new(&engine)
            .instantiate_and_start(&mut store, &module)
            .unwrap();
        let f = instance.get_typed_func::<i32, i32>(&store, w.func).unwrap();
        f.call(&mut store, w.arg).unwrap()
    }

    #[test]
    fn workloads_are_right_on_both_engines() {
        for w in WORKLOADS {
            assert_eq!(run_wisp(w), w.expected, "wisp: {}", w.name);
            assert_eq!(run_wasmi(w), w.expected, "wasmi: {}", w.name);
        }
    }
}
