//! src/bindings.rs is generated in-tree (tools/regen.sh); these tests fail
//! when the public headers declare something it lacks: a VNFO_API function,
//! a status code or enum constant (with its value), an integer macro (with
//! its value), an opaque handle, or a field of a public struct.  The layout
//! of every struct is checked by the assertions bindgen put into
//! bindings.rs; the values by the tests here.  Headers come from
//! VNFO_INCLUDE_DIR or the checkout (../../../include/vnfo).

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

fn include_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("VNFO_INCLUDE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../include/vnfo"),
    };
    if dir.join("common.h").exists() {
        Some(dir)
    } else {
        eprintln!("SKIP: no libvnfo headers at {} (set VNFO_INCLUDE_DIR)", dir.display());
        None
    }
}

fn headers(dir: &PathBuf) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().map_or(false, |e| e == "h") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.insert(name, strip_comments(&fs::read_to_string(&path).unwrap()));
        }
    }
    out
}

fn bindings() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/bindings.rs");
    fs::read_to_string(path).unwrap()
}

fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
            out.push(' ');
        } else if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i..]);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out.replace("\\\n", " ")
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The identifier that ends just before byte `end` of `s`.
fn ident_before(s: &str, end: usize) -> &str {
    let head = s[..end].trim_end();
    let start = head.rfind(|c: char| !is_ident_char(c)).map_or(0, |i| i + 1);
    &head[start..]
}

/// Names of the functions declared VNFO_API.
fn api_functions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("VNFO_API") {
        let decl = &text[i..];
        if decl.starts_with("VNFO_API\n") || text[..i].ends_with("define ") {
            continue; // the macro's own definition
        }
        let paren = decl.find('(').unwrap();
        let name = ident_before(decl, paren);
        assert!(name.starts_with("vnfo_"), "unexpected declaration: {}", &decl[..paren]);
        out.push(name.to_string());
    }
    out
}

/// Integer macros `#define VNFO_X <number>` with their values.
fn integer_macros(text: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("#define") {
            continue;
        }
        let (name, value) = match (words.next(), words.next(), words.next()) {
            (Some(name), Some(value), None) => (name, value),
            _ => continue,
        };
        if !name.starts_with("VNFO_") || name.starts_with("VNFO_VERSION") {
            continue;
        }
        if let Some(v) = parse_c_integer(value) {
            out.push((name.to_string(), v));
        }
    }
    out
}

fn parse_c_integer(text: &str) -> Option<u64> {
    let t = text.trim_end_matches(['u', 'U', 'l', 'L']);
    if let Some(hex) = t.strip_prefix("0x") {
        u64::from_str_radix(hex, 16).ok()
    } else {
        t.parse().ok()
    }
}

/// Enumerators `VNFO_X = <number>` of every enum.
fn enum_constants(text: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("typedef enum") {
        let body = &text[i..];
        let open = body.find('{').unwrap();
        let close = body.find('}').unwrap();
        for item in body[open + 1..close].split(',') {
            if let Some((name, value)) = item.split_once('=') {
                if let Some(v) = parse_c_integer(value.trim()) {
                    out.push((name.trim().to_string(), v));
                }
            }
        }
    }
    out
}

/// `typedef struct vnfo_x { fields } vnfo_x;` -> (vnfo_x, top-level field names).
fn struct_fields(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("typedef struct ") {
        let decl = &text[i + "typedef struct ".len()..];
        let name_end = decl.find(|c: char| !is_ident_char(c)).unwrap();
        let name = &decl[..name_end];
        let rest = decl[name_end..].trim_start();
        if !rest.starts_with('{') {
            continue; // an opaque handle
        }
        let mut fields = Vec::new();
        let (mut depth, mut start) = (0, 1);
        for (j, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                ';' if depth == 1 => {
                    fields.push(field_name(&rest[start..j]).to_string());
                    start = j + 1;
                }
                _ => {}
            }
        }
        out.push((name.to_string(), fields));
    }
    out
}

/// The declared name in one member declaration: `uint8_t path[32][32]` ->
/// path, `void *(*alloc)(void *, size_t)` -> alloc, `union {...} u` -> u.
fn field_name(decl: &str) -> &str {
    let decl = decl.trim();
    if let Some(close) = decl.rfind('}') {
        return decl[close + 1..].trim(); // a nested union or struct
    }
    if let Some(p) = decl.find("(*") {
        let after = &decl[p + 2..];
        return &after[..after.find(')').unwrap()];
    }
    let end = decl.find('[').unwrap_or(decl.len());
    ident_before(decl, end)
}

/// Opaque handles: `typedef struct vnfo_x vnfo_x;`.
fn opaque_types(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() == 4 && words[0] == "typedef" && words[1] == "struct" && words[3] == format!("{};", words[2]) {
            out.push(words[2].to_string());
        }
    }
    out
}

/// `pub const NAME: T = VALUE;` of bindings.rs.
fn rust_consts(rs: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in rs.lines() {
        let rest = match line.trim().strip_prefix("pub const ") {
            Some(rest) => rest,
            None => continue,
        };
        let (name, value) = match (rest.split_once(':'), rest.split_once('=')) {
            (Some((name, _)), Some((_, value))) => (name, value),
            _ => continue,
        };
        if let Some(v) = parse_c_integer(value.trim().trim_end_matches(';')) {
            out.insert(name.trim().to_string(), v);
        }
    }
    out
}

/// Field names of `pub struct NAME { ... }` in bindings.rs.
fn rust_struct_fields(rs: &str, name: &str) -> Option<Vec<String>> {
    let start = rs.find(&format!("pub struct {} {{", name))?;
    let body = &rs[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
    Some(
        body.lines()
            .filter_map(|l| l.trim().strip_prefix("pub "))
            .map(|l| l.split(':').next().unwrap().trim().trim_end_matches('_').to_string())
            .collect(),
    )
}

fn all_headers() -> Option<String> {
    let dir = include_dir()?;
    Some(headers(&dir).into_values().collect::<Vec<_>>().join("\n"))
}

#[test]
fn every_api_function_is_declared() {
    let text = match all_headers() {
        Some(text) => text,
        None => return,
    };
    let rs = bindings();
    let missing: Vec<String> = api_functions(&text)
        .into_iter()
        .filter(|f| !rs.contains(&format!("pub fn {}(", f)))
        .collect();
    assert!(missing.is_empty(), "VNFO_API functions missing from src/bindings.rs (run tools/regen.sh): {:?}", missing);
}

#[test]
fn every_status_and_enum_constant_has_its_value() {
    let text = match all_headers() {
        Some(text) => text,
        None => return,
    };
    let consts = rust_consts(&bindings());
    let mut wrong = Vec::new();
    for (name, value) in enum_constants(&text) {
        if consts.get(&name) != Some(&value) {
            wrong.push(format!("{} = {} (bindings: {:?})", name, value, consts.get(&name)));
        }
    }
    assert!(wrong.is_empty(), "enum constants missing or different in src/bindings.rs: {:?}", wrong);
}

#[test]
fn every_integer_macro_has_its_value() {
    let text = match all_headers() {
        Some(text) => text,
        None => return,
    };
    let consts = rust_consts(&bindings());
    let mut wrong = Vec::new();
    for (name, value) in integer_macros(&text) {
        if consts.get(&name) != Some(&value) {
            wrong.push(format!("{} = {} (bindings: {:?})", name, value, consts.get(&name)));
        }
    }
    assert!(wrong.is_empty(), "macros missing or different in src/bindings.rs: {:?}", wrong);
}

#[test]
fn every_struct_field_and_handle_is_declared() {
    let text = match all_headers() {
        Some(text) => text,
        None => return,
    };
    let rs = bindings();
    let mut wrong = Vec::new();
    for (name, fields) in struct_fields(&text) {
        match rust_struct_fields(&rs, &name) {
            None => wrong.push(format!("struct {}", name)),
            Some(have) => {
                for f in fields {
                    if !have.contains(&f.trim_end_matches('_').to_string()) {
                        wrong.push(format!("{}.{}", name, f));
                    }
                }
            }
        }
    }
    for name in opaque_types(&text) {
        if !rs.contains(&format!("pub struct {} {{", name)) {
            wrong.push(format!("opaque {}", name));
        }
    }
    assert!(wrong.is_empty(), "missing from src/bindings.rs: {:?}", wrong);
}

#[test]
fn header_parsers_see_known_declarations() {
    // Guards the checks above against parsers that silently match nothing.
    let text = match all_headers() {
        Some(text) => text,
        None => return,
    };
    let funcs = api_functions(&text);
    assert!(funcs.contains(&"vnfo_signing_key_sign".to_string()));
    assert!(funcs.contains(&"vnfo_report_entry_summary_set".to_string()));
    assert!(funcs.len() > 250, "only {} functions found", funcs.len());
    let enums = enum_constants(&text);
    assert!(enums.contains(&("VNFO_E_KEY_FORMAT".to_string(), 220)));
    assert!(enums.contains(&("VNFO_STATUS_RESERVED_".to_string(), 0x7fff_ffff)));
    let macros = integer_macros(&text);
    assert!(macros.contains(&("VNFO_LOG_HASH_BYTES".to_string(), 32)));
    assert!(macros.contains(&("VNFO_SAMPLER_BOB_FIXED_INITVAL".to_string(), 1)));
    let structs = struct_fields(&text);
    let record = &structs.iter().find(|(n, _)| n == "vnfo_record").unwrap().1;
    assert_eq!(record, &["format_version", "type", "node_id", "epoch", "seq", "u"]);
    let alloc = &structs.iter().find(|(n, _)| n == "vnfo_allocator").unwrap().1;
    assert_eq!(alloc, &["version", "alloc", "realloc", "free", "ctx"]);
    assert!(opaque_types(&text).contains(&"vnfo_sampler".to_string()));
    let rs = bindings();
    assert_eq!(rust_consts(&rs).get("VNFO_E_NO_MEMORY"), Some(&2));
    assert!(rust_struct_fields(&rs, "vnfo_record").unwrap().contains(&"type".to_string()));
}
