//! Names of countries and languages in the reader's language, and the causes' names.
//!
//! Countries and languages are named by the browser itself (`Intl.DisplayNames`, the
//! Unicode CLDR's names): nothing is shipped for them, every language we will ever offer
//! is covered, and a browser without it shows the code. Causes are named by the API (in
//! the `Accept-Language` of the request), loaded once per page load and language.

use std::cell::RefCell;
use std::collections::HashMap;

use ensemble_wire::Cause;
use ensemble_wire::codes::COUNTRY_CODES;
use js_sys::{Array, Function, Object, Reflect};
use leptos::prelude::*;
use leptos::wasm_bindgen::{JsCast, JsValue};

use crate::api::ApiClient;
use crate::texts::current_lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Region,
    Language,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Region => "region",
            Kind::Language => "language",
        }
    }
}

/// One `Intl.DisplayNames` and its `of` method.
type Namer = (JsValue, Function);

thread_local! {
    static NAMERS: RefCell<HashMap<(Kind, &'static str), Option<Namer>>> = RefCell::new(HashMap::new());
}

fn namer(kind: Kind, lang: &str) -> Option<Namer> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let class = Reflect::get(&intl, &"DisplayNames".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    let options = Object::new();
    Reflect::set(&options, &"type".into(), &kind.as_str().into()).ok()?;
    Reflect::set(&options, &"fallback".into(), &"code".into()).ok()?;
    let names =
        Reflect::construct(&class, &Array::of2(&Array::of1(&lang.into()), &options)).ok()?;
    let of = Reflect::get(&names, &"of".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((names, of))
}

fn name(kind: Kind, code: &str) -> String {
    let lang = current_lang().code();
    NAMERS.with(|cache| {
        cache
            .borrow_mut()
            .entry((kind, lang))
            .or_insert_with(|| namer(kind, lang))
            .as_ref()
            .and_then(|(names, of)| of.call1(names, &code.into()).ok())
            .and_then(|name| name.as_string())
            .unwrap_or_else(|| code.to_owned())
    })
}

/// A country's name (`GH` → "Ghana", "加纳").
pub fn country(code: &str) -> String {
    name(Kind::Region, code)
}

/// A language's name (`sw` → "Swahili", "swahili", "斯瓦希里语").
pub fn language(code: &str) -> String {
    name(Kind::Language, code)
}

/// Pairs of a code and its name, in the reader's alphabetical order.
fn sorted(codes: &[&'static str], name_of: fn(&str) -> String) -> Vec<(&'static str, String)> {
    let locales = Array::of1(&current_lang().code().into());
    let mut named: Vec<(&'static str, String)> =
        codes.iter().map(|code| (*code, name_of(code))).collect();
    named.sort_by(|(_, a), (_, b)| {
        js_sys::JsString::from(a.as_str())
            .locale_compare(b, &locales, &Object::new())
            .cmp(&0)
    });
    named
}

/// Every country, as a list to choose from.
pub fn countries() -> Vec<(&'static str, String)> {
    sorted(&COUNTRY_CODES, country)
}

/// These languages, as a list to choose from.
pub fn languages(codes: &[&'static str]) -> Vec<(&'static str, String)> {
    sorted(codes, language)
}

/// The causes in the reader's language, loaded once for the whole app (and again when the
/// language changes, since the app is drawn again then).
#[derive(Clone, Copy)]
pub struct Causes(pub LocalResource<Vec<Cause>>);

impl Causes {
    pub fn provide(api: ApiClient) {
        provide_context(Causes(LocalResource::new(move || async move {
            api.causes()
                .await
                .map(|page| page.items)
                .unwrap_or_default()
        })));
    }

    /// A cause's name, or its slug until the names have come.
    pub fn name(&self, slug: &str) -> String {
        self.0
            .with(|all| {
                all.as_ref()?
                    .iter()
                    .find(|c| c.slug == slug)
                    .map(|c| c.name.clone())
            })
            .unwrap_or_else(|| slug.to_owned())
    }
}

pub fn causes() -> Causes {
    expect_context::<Causes>()
}
