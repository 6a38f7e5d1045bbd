//! Wisp's WASI greeting: prints a line, echoes its arguments and an environment
//! variable, reads stdin if asked, and exits with the status given as `--exit N`.
use std::io::Read;

fn main() {
    println!("Hello from WebAssembly, running on Wisp!");
    let args: Vec<String> = std::env::args().collect();
    if args.len() > 1 {
        println!("args: {}", args[1..].join(" "));
    }
    if let Ok(who) = std::env::var("GREET") {
        println!("greetings, {who}");
    }
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--stdin" => {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).expect("stdin");
                println!("stdin had {} bytes: {}", s.len(), s.trim_end());
            }
            "--stderr" => eprintln!("this goes to stderr"),
            "--exit" => std::process::exit(it.next().and_then(|n| n.parse().ok()).unwrap_or(1)),
            _ => {}
        }
    }
}
