//! Helpers shared by the integration tests.
#![allow(dead_code)]

use wisp::{Config, Engine, Instance, Linker, Module, Store};

pub fn wat(text: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(text).expect("lexes");
    let mut w = wast::parser::parse::<wast::Wat>(&buf).expect("parses");
    w.encode().expect("encodes")
}

pub fn instantiate(config: &Config, text: &str) -> (Store<()>, Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, wat(text)).expect("compiles");
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    (store, inst)
}
