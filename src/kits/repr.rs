//! [`Repr`]: how a value is written into a generated action name, the way the original
//! (Python) writes it, defined once for every kit.
//!
//! The original builds names such as `data:deliver:(0, 0)`, `ch:deliver:'a'` or
//! `fault:crash:0` from Python's `repr` (channel messages) or `str` (crashed nodes) of a value.
//! The Rust types here write the same text for the same value, so traces read the same in
//! both. For your own message or node type, implement [`Repr::write_repr`] (and
//! [`Repr::write_str`] if its `str` differs).
//!
//! ```
//! use musil::kits::repr::Repr;
//! assert_eq!((0u8, 0u8).repr(), "(0, 0)");
//! assert_eq!("a".repr(), "'a'");
//! assert_eq!("a".str_text(), "a");
//! assert_eq!(("x", 1).str_text(), "('x', 1)");
//! ```

use std::collections::BTreeSet;

/// The text a message contributes to an action name: what the original's Python `repr` prints
/// for the same value, defined once here.
///
/// | Rust value | text |
/// |---|---|
/// | integers | decimal, bare: `0`, `-3` |
/// | `bool` | `True`, `False` |
/// | `&str`, `String` | single-quoted, `'a'`; double quotes when the text holds a `'` and no `"`; `\\`, the quote, `\n`, `\r`, `\t` and every character Python does not print (controls, format characters, non-ASCII spaces, private use) escaped as Python escapes them (`\x01`, `\xa0`, `\u2028`) |
/// | tuples (up to 4) | `(0, 0)`; a one-tuple is `(0,)` |
/// | `Option<T>` | `None` or the inner value's text |
/// | `BTreeSet<T>` | `frozenset({1, 2})` (in the set's order), `frozenset()` when empty |
///
/// `str()` differs from `repr()` only for a string on its own, which is written bare (`a`); inside
/// a tuple it is quoted again (`('x', 1)`), as in Python.
///
/// Implement it for your own message or node type to name its actions; nothing else reads it.
pub trait Repr {
    /// Append the value's `repr` text to `out`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::repr::Repr;
    ///
    /// // A message type of your own, written as the original's dataclass repr would be.
    /// struct Ping(u8);
    /// impl Repr for Ping {
    ///     fn write_repr(&self, out: &mut String) {
    ///         out.push_str(&format!("Ping(seq={})", self.0));
    ///     }
    /// }
    /// assert_eq!(Ping(3).repr(), "Ping(seq=3)");
    /// assert_eq!(Ping(3).str_text(), "Ping(seq=3)"); // `str` defaults to `repr`
    /// ```
    fn write_repr(&self, out: &mut String);

    /// Append the value's `str` text to `out` (by default its `repr` text).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::repr::Repr;
    ///
    /// let mut out = String::from("fault:crash:");
    /// "node-a".write_str(&mut out);
    /// assert_eq!(out, "fault:crash:node-a");
    /// ```
    fn write_str(&self, out: &mut String) {
        self.write_repr(out);
    }

    /// The value's `repr` text: how a channel message is named.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::repr::Repr;
    /// use std::collections::BTreeSet;
    ///
    /// assert_eq!("it's".repr(), "\"it's\"");
    /// assert_eq!((1u8,).repr(), "(1,)");
    /// assert_eq!(BTreeSet::from([2u8, 1]).repr(), "frozenset({1, 2})");
    /// ```
    fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out);
        out
    }

    /// The value's `str` text: how a crashed node is named.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::repr::Repr;
    ///
    /// assert_eq!("a".str_text(), "a");
    /// assert_eq!(("a", 1u8).str_text(), "('a', 1)"); // quoted again inside a tuple
    /// ```
    fn str_text(&self) -> String {
        let mut out = String::new();
        self.write_str(&mut out);
        out
    }
}

macro_rules! repr_display {
    ($($t:ty),*) => {$(
        impl Repr for $t {
            fn write_repr(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
        }
    )*};
}
repr_display!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl Repr for bool {
    fn write_repr(&self, out: &mut String) {
        out.push_str(if *self { "True" } else { "False" });
    }
}

/// The assigned code points Python's `str.isprintable` rejects (Unicode 15.1, as in CPython
/// 3.13): controls, format characters, separators other than the ASCII space, and private use.
/// `repr` escapes them. Unassigned code points, which Python escapes too, are written as they
/// are: telling them apart needs the whole Unicode table.
const NOT_PRINTABLE: [(u32, u32); 28] = [
    (0x0, 0x1f),
    (0x7f, 0xa0),
    (0xad, 0xad),
    (0x600, 0x605),
    (0x61c, 0x61c),
    (0x6dd, 0x6dd),
    (0x70f, 0x70f),
    (0x890, 0x891),
    (0x8e2, 0x8e2),
    (0x1680, 0x1680),
    (0x180e, 0x180e),
    (0x2000, 0x200f),
    (0x2028, 0x202f),
    (0x205f, 0x2064),
    (0x2066, 0x206f),
    (0x3000, 0x3000),
    (0xe000, 0xf8ff),
    (0xfeff, 0xfeff),
    (0xfff9, 0xfffb),
    (0x110bd, 0x110bd),
    (0x110cd, 0x110cd),
    (0x13430, 0x1343f),
    (0x1bca0, 0x1bca3),
    (0x1d173, 0x1d17a),
    (0xe0001, 0xe0001),
    (0xe0020, 0xe007f),
    (0xf0000, 0xffffd),
    (0x100000, 0x10fffd),
];

fn printable(c: char) -> bool {
    let n = c as u32;
    !NOT_PRINTABLE.iter().any(|&(lo, hi)| (lo..=hi).contains(&n))
}

impl Repr for str {
    fn write_repr(&self, out: &mut String) {
        let quote = if self.contains('\'') && !self.contains('"') { '"' } else { '\'' };
        out.push(quote);
        for c in self.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c == quote => {
                    out.push('\\');
                    out.push(c);
                }
                c if !printable(c) => {
                    let n = c as u32;
                    out.push_str(&match n {
                        0..0x100 => format!("\\x{n:02x}"),
                        0x100..0x10000 => format!("\\u{n:04x}"),
                        _ => format!("\\U{n:08x}"),
                    });
                }
                c => out.push(c),
            }
        }
        out.push(quote);
    }

    fn write_str(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Repr for String {
    fn write_repr(&self, out: &mut String) {
        self.as_str().write_repr(out);
    }

    fn write_str(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl<T: Repr + ?Sized> Repr for &T {
    fn write_repr(&self, out: &mut String) {
        (**self).write_repr(out);
    }

    fn write_str(&self, out: &mut String) {
        (**self).write_str(out);
    }
}

impl<T: Repr> Repr for Option<T> {
    fn write_repr(&self, out: &mut String) {
        match self {
            Some(v) => v.write_repr(out),
            None => out.push_str("None"),
        }
    }

    fn write_str(&self, out: &mut String) {
        match self {
            Some(v) => v.write_str(out),
            None => out.push_str("None"),
        }
    }
}

impl<T: Repr> Repr for BTreeSet<T> {
    fn write_repr(&self, out: &mut String) {
        if self.is_empty() {
            out.push_str("frozenset()");
            return;
        }
        out.push_str("frozenset({");
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            v.write_repr(out);
        }
        out.push_str("})");
    }
}

impl<A: Repr> Repr for (A,) {
    fn write_repr(&self, out: &mut String) {
        out.push('(');
        self.0.write_repr(out);
        out.push_str(",)");
    }
}

macro_rules! repr_tuple {
    ($first:ident $($rest:ident)*) => {
        impl<$first: Repr $(, $rest: Repr)*> Repr for ($first, $($rest,)*) {
            #[allow(non_snake_case)]
            fn write_repr(&self, out: &mut String) {
                let ($first, $($rest,)*) = self;
                out.push('(');
                $first.write_repr(out);
                $(out.push_str(", "); $rest.write_repr(out);)*
                out.push(')');
            }
        }
    };
}
repr_tuple!(A B);
repr_tuple!(A B C);
repr_tuple!(A B C D);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_reads_like_the_original() {
        assert_eq!((0u8, 0u8).repr(), "(0, 0)");
        assert_eq!((1i32,).repr(), "(1,)");
        assert_eq!("a".repr(), "'a'");
        assert_eq!("it's".repr(), "\"it's\"");
        assert_eq!("a'b\"c\\\n".repr(), "'a\\'b\"c\\\\\\n'");
        assert_eq!(String::from("\u{1}").repr(), "'\\x01'");
        // Python escapes every character `str.isprintable` rejects, not only ASCII controls.
        assert_eq!("a\u{a0}b\u{2028}\u{e000}\u{85}\t\u{7f}".repr(), r"'a\xa0b\u2028\ue000\x85\t\x7f'");
        assert_eq!("\u{1d173}".repr(), r"'\U0001d173'");
        assert_eq!("é ü".repr(), "'é ü'");
        assert_eq!("\u{a0}".str_text(), "\u{a0}");
        assert_eq!((-3i64).repr(), "-3");
        assert_eq!(true.repr(), "True");
        assert_eq!(None::<u8>.repr(), "None");
        assert_eq!(BTreeSet::from([1u8]).repr(), "frozenset({1})");
        assert_eq!(BTreeSet::<u8>::new().repr(), "frozenset()");
        assert_eq!(("x", 1u8, false, Some(2u8)).repr(), "('x', 1, False, 2)");
        assert_eq!(String::from("node").str_text(), "node");
        assert_eq!(("x", 1).str_text(), "('x', 1)");
        assert_eq!(7u8.str_text(), "7");
    }
}
