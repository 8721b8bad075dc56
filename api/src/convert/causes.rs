//! Causes, named in the reader's language.

use ensemble_wire::{Cause, Lang};

use crate::db::causes::CauseView;

/// A cause as read in `lang` (the language its name and description are in).
pub fn cause(view: CauseView, lang: Lang) -> Cause {
    Cause {
        slug: view.slug,
        parent: view.parent,
        children: view.children,
        name: view.name,
        description: view.description,
        lang: lang.code().to_owned(),
        followers_count: view.followers_count,
    }
}
