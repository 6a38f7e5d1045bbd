//! A JSON round trip with `serde_json` and `serde` derive: a generated tree of orders is
//! serialized to text, parsed back into the same types and compared inside the module.

use crate::{fnv1a, Rng, FNV_START};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Order {
    id: u32,
    customer: Customer,
    lines: Vec<Line>,
    tags: Vec<String>,
    paid: bool,
    note: Option<String>,
    total: f64,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Customer {
    name: String,
    email: String,
    address: Address,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Address {
    street: String,
    city: String,
    zip: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Line {
    sku: String,
    quantity: u16,
    unit_price: f64,
}

const NAMES: &[&str] = &[
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances",
];
const CITIES: &[&str] = &["Lyon", "Porto", "Gdańsk", "Zürich", "Tartu", "Ghent"];
const TAGS: &[&str] = &[
    "gift",
    "express",
    "fragile",
    "bulk",
    "repeat",
    "\"quoted\"\ttab",
];

fn pick<'a>(rng: &mut Rng, list: &[&'a str]) -> &'a str {
    list[rng.below(list.len() as u32) as usize]
}

fn order(rng: &mut Rng, id: u32) -> Order {
    let name = pick(rng, NAMES);
    let lines: Vec<Line> = (0..1 + rng.below(5))
        .map(|_| Line {
            sku: format!("SKU-{:05}", rng.below(100_000)),
            quantity: 1 + rng.below(20) as u16,
            unit_price: f64::from(rng.below(100_000)) / 100.0,
        })
        .collect();
    let total = lines
        .iter()
        .map(|l| f64::from(l.quantity) * l.unit_price)
        .sum();
    Order {
        id,
        customer: Customer {
            name: name.to_string(),
            email: format!("{}.{}@example.org", name.to_lowercase(), rng.below(1000)),
            address: Address {
                street: format!("{} Rue de la Paix", 1 + rng.below(200)),
                city: pick(rng, CITIES).to_string(),
                zip: format!("{:05}", rng.below(100_000)),
            },
        },
        lines,
        tags: (0..rng.below(4))
            .map(|_| pick(rng, TAGS).to_string())
            .collect(),
        paid: rng.below(2) == 1,
        note: (rng.below(3) == 0).then(|| format!("leave at door #{}", rng.below(50))),
        total,
    }
}

/// Text length times 31 plus FNV-1a of the text (wrapping).
pub fn round_trip(n: u32) -> u32 {
    let mut rng = Rng::new(0x0_1503);
    let orders: Vec<Order> = (0..n).map(|id| order(&mut rng, id)).collect();
    let text = serde_json::to_string(&orders).expect("serialize");
    let back: Vec<Order> = serde_json::from_str(&text).expect("parse");
    assert!(back == orders, "JSON round trip changed the data");
    (text.len() as u32)
        .wrapping_mul(31)
        .wrapping_add(fnv1a(FNV_START, text.as_bytes()))
}
