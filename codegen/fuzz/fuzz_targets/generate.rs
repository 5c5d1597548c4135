//! Arbitrary text through the loader and the whole pipeline: every input is
//! generated or refused with an error; a panic, or Rust that does not parse,
//! is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let loaded = codegen::parse(text);
    let generated = codegen::generate(text, "fuzz.yaml");
    if let Err(refusal) = &loaded {
        let same = generated.as_ref().err().map(ToString::to_string);
        assert_eq!(
            same,
            Some(refusal.to_string()),
            "the pipeline reads the text as the loader does"
        );
    }
    if let Err(error @ codegen::Error::Emit { .. }) = generated {
        panic!("{error}");
    }
});
