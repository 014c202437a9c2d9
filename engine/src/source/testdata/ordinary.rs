// An ordinary Rust file for the grammar tests (engine/src/grammar_tests.rs): its syntax tree is kept as a
// snapshot, so a change to the grammar in grammars/tree-sitter-rust that alters how everyday code parses is seen.
// It leans on the constructs next to the ones the patched grammar adds: struct and field patterns, closures,
// `dyn` bounds, where clauses, extern blocks, statics, function modifiers, macros and contextual keywords
// used as names (`safe`, `default`, `union`, `try` as a field).
#![allow(dead_code)]

use std::collections::HashMap;
use std::fmt::{self, Display};

pub struct Point<T> {
    pub x: T,
    #[doc = "the second coordinate"]
    pub y: T,
}

struct Unit;
struct Pair(u8, u8) where u8: Copy;
struct Wrapper<T>
where
    T: Clone,
{
    inner: T,
}

union Bits {
    int: u32,
    float: f32,
}

extern "C" {
    fn abs(input: i32) -> i32;
    static errno: i32;
}

unsafe extern "C" {
    pub unsafe fn strlen(s: *const u8) -> usize;
}

static mut COUNTER: u32 = 0;
static NAMES: [&str; 2] = ["a", "b"];

pub const unsafe extern "C" fn callback(x: i32) -> i32 {
    x
}

trait Shape: Display + Send + 'static {
    fn area(&self) -> f64;
    default fn name(&self) -> String {
        String::new()
    }
}

impl<T: Display + Copy> Display for Point<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

fn boxed<'a>(f: Box<dyn Fn(u8) -> u8 + Send + 'a>) -> Box<dyn Display + 'a> {
    let _ = f;
    Box::new(1u8)
}

fn patterns(p: Point<i64>, pairs: &[(u8, u8)], map: &HashMap<String, Vec<u8>>) -> i64 {
    let Point { x, y: ref yy } = p;
    let Point { x: a, .. } = Point::<i64> { x: 1, y: 2 };
    let sum = pairs.iter().map(|&(l, r)| u32::from(l) + u32::from(r)).sum::<u32>();
    let safe = sum > 3;
    let default = 4;
    let union = 5;
    let closure = |Point { x, y }: Point<i64>, n: usize| x + y + n as i64;
    let total: usize = map.values().map(Vec::len).sum();
    match (safe, map.get("k")) {
        (true, Some(v)) if !v.is_empty() => x + a + *yy + default + union,
        (false, None) | (true, None) => closure(Point { x: 1, y: 2 }, total),
        _ => -1,
    }
}

macro_rules! square {
    ($e:expr) => {
        $e * $e
    };
    ($($e:expr),+ $(,)?) => {
        ($(square!($e)),+)
    };
}

async fn later(value: Option<u8>) -> Result<u8, String> {
    let v = value.ok_or_else(|| "none".to_string())?;
    let r#try = v.checked_add(1).ok_or("overflow")?;
    Ok(square!(r#try))
}

pub(crate) fn generic<T, U>(t: T, u: U) -> impl Iterator<Item = (T, U)> + 'static
where
    T: Clone + 'static,
    U: Copy + 'static,
{
    std::iter::once((t, u))
}
