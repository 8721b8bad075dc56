//! The words of every message, one `Texts` per language: a message missing in a language
//! is a compile error, not a key shown to someone. `{name}` marks where a value goes.

use ensemble_wire::Lang;

/// One message: its subject, its paragraphs before the button, the button's words, and
/// what follows (how long the link works, what to do if it was not you).
#[derive(Debug, Clone, Copy)]
pub struct Message {
    pub subject: &'static str,
    pub body: &'static [&'static str],
    pub action: &'static str,
    pub after: &'static [&'static str],
}

#[derive(Debug)]
pub struct Texts {
    pub greeting: &'static str,
    pub signature: &'static str,
    /// Under the button, for mail readers that show no buttons.
    pub link_intro: &'static str,
    pub verify_address: Message,
    pub reset_password: Message,
    pub confirm_new_address: Message,
    pub address_changed: Message,
    pub password_changed: Message,
}

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Fr => &FR,
        Lang::Es => &ES,
        Lang::Zh => &ZH,
    }
}

static EN: Texts = Texts {
    greeting: "Hello {name},",
    signature: "— Ensemble",
    link_intro: "Or open this address:",
    verify_address: Message {
        subject: "Confirm your email address",
        body: &[
            "Please confirm that {email} is your address, so that you can give, comment and create organisations on Ensemble.",
        ],
        action: "Confirm my address",
        after: &[
            "This link works once, for 24 hours. If you did not sign up for Ensemble, ignore this message: nothing will happen.",
        ],
    },
    reset_password: Message {
        subject: "Choose a new password",
        body: &["Someone (we hope you) asked to reset the password of your Ensemble account."],
        action: "Choose a new password",
        after: &[
            "This link works once, for one hour. Using it signs you out everywhere. If you did not ask for it, ignore this message: your password stays as it is.",
        ],
    },
    confirm_new_address: Message {
        subject: "Confirm your new email address",
        body: &["Please confirm that {email} is the new address of your Ensemble account."],
        action: "Confirm my new address",
        after: &[
            "This link works once, for 24 hours. Until then your account keeps its old address. If you did not ask for this, ignore this message.",
        ],
    },
    address_changed: Message {
        subject: "Your email address was changed",
        body: &[
            "The address of your Ensemble account is now {email}. Messages will no longer come to this one.",
        ],
        action: "",
        after: &[
            "If you did not do this, reply to this message or write to the platform's administrators at once.",
        ],
    },
    password_changed: Message {
        subject: "Your password was changed",
        body: &[
            "The password of your Ensemble account was just changed, and every device was signed out.",
        ],
        action: "",
        after: &["If you did not do this, ask for a new password at once from the sign-in page."],
    },
};

static FR: Texts = Texts {
    greeting: "Bonjour {name},",
    signature: "— Ensemble",
    link_intro: "Ou ouvrez cette adresse :",
    verify_address: Message {
        subject: "Confirmez votre adresse e-mail",
        body: &[
            "Confirmez que {email} est bien votre adresse, pour pouvoir donner, commenter et créer des organisations sur Ensemble.",
        ],
        action: "Confirmer mon adresse",
        after: &[
            "Ce lien ne sert qu'une fois, pendant 24 heures. Si vous ne vous êtes pas inscrit sur Ensemble, ignorez ce message : il ne se passera rien.",
        ],
    },
    reset_password: Message {
        subject: "Choisissez un nouveau mot de passe",
        body: &[
            "Quelqu'un (vous, nous l'espérons) a demandé à réinitialiser le mot de passe de votre compte Ensemble.",
        ],
        action: "Choisir un nouveau mot de passe",
        after: &[
            "Ce lien ne sert qu'une fois, pendant une heure. L'utiliser vous déconnecte partout. Si vous ne l'avez pas demandé, ignorez ce message : votre mot de passe ne change pas.",
        ],
    },
    confirm_new_address: Message {
        subject: "Confirmez votre nouvelle adresse e-mail",
        body: &["Confirmez que {email} est la nouvelle adresse de votre compte Ensemble."],
        action: "Confirmer ma nouvelle adresse",
        after: &[
            "Ce lien ne sert qu'une fois, pendant 24 heures. D'ici là, votre compte garde son ancienne adresse. Si vous ne l'avez pas demandé, ignorez ce message.",
        ],
    },
    address_changed: Message {
        subject: "Votre adresse e-mail a été modifiée",
        body: &[
            "L'adresse de votre compte Ensemble est désormais {email}. Les messages n'arriveront plus à celle-ci.",
        ],
        action: "",
        after: &[
            "Si ce n'est pas vous, répondez à ce message ou écrivez sans attendre aux administrateurs de la plateforme.",
        ],
    },
    password_changed: Message {
        subject: "Votre mot de passe a été modifié",
        body: &[
            "Le mot de passe de votre compte Ensemble vient d'être modifié, et tous vos appareils ont été déconnectés.",
        ],
        action: "",
        after: &[
            "Si ce n'est pas vous, demandez sans attendre un nouveau mot de passe depuis la page de connexion.",
        ],
    },
};

static ES: Texts = Texts {
    greeting: "Hola {name}:",
    signature: "— Ensemble",
    link_intro: "O abra esta dirección:",
    verify_address: Message {
        subject: "Confirme su dirección de correo",
        body: &[
            "Confirme que {email} es su dirección, para poder donar, comentar y crear organizaciones en Ensemble.",
        ],
        action: "Confirmar mi dirección",
        after: &[
            "Este enlace funciona una vez, durante 24 horas. Si no se registró en Ensemble, ignore este mensaje: no pasará nada.",
        ],
    },
    reset_password: Message {
        subject: "Elija una nueva contraseña",
        body: &[
            "Alguien (esperamos que usted) pidió restablecer la contraseña de su cuenta de Ensemble.",
        ],
        action: "Elegir una nueva contraseña",
        after: &[
            "Este enlace funciona una vez, durante una hora. Usarlo cierra su sesión en todas partes. Si no lo pidió, ignore este mensaje: su contraseña no cambia.",
        ],
    },
    confirm_new_address: Message {
        subject: "Confirme su nueva dirección de correo",
        body: &["Confirme que {email} es la nueva dirección de su cuenta de Ensemble."],
        action: "Confirmar mi nueva dirección",
        after: &[
            "Este enlace funciona una vez, durante 24 horas. Hasta entonces su cuenta conserva su dirección anterior. Si no lo pidió, ignore este mensaje.",
        ],
    },
    address_changed: Message {
        subject: "Su dirección de correo ha cambiado",
        body: &[
            "La dirección de su cuenta de Ensemble es ahora {email}. Los mensajes ya no llegarán a esta.",
        ],
        action: "",
        after: &[
            "Si no fue usted, responda a este mensaje o escriba de inmediato a los administradores de la plataforma.",
        ],
    },
    password_changed: Message {
        subject: "Su contraseña ha cambiado",
        body: &[
            "La contraseña de su cuenta de Ensemble acaba de cambiar, y se cerró la sesión en todos sus dispositivos.",
        ],
        action: "",
        after: &[
            "Si no fue usted, pida de inmediato una nueva contraseña desde la página de inicio de sesión.",
        ],
    },
};

static ZH: Texts = Texts {
    greeting: "{name}，您好：",
    signature: "— Ensemble",
    link_intro: "或打开此地址：",
    verify_address: Message {
        subject: "请确认您的邮箱地址",
        body: &["请确认 {email} 是您的邮箱地址，确认后即可在 Ensemble 上捐款、评论和创建组织。"],
        action: "确认我的邮箱",
        after: &[
            "此链接仅可使用一次，24 小时内有效。如果您没有注册 Ensemble，请忽略此邮件，不会有任何影响。",
        ],
    },
    reset_password: Message {
        subject: "设置新密码",
        body: &["有人（希望是您本人）请求重置您的 Ensemble 账户密码。"],
        action: "设置新密码",
        after: &[
            "此链接仅可使用一次，一小时内有效。使用后您将在所有设备上退出登录。如果不是您本人的请求，请忽略此邮件，您的密码不会改变。",
        ],
    },
    confirm_new_address: Message {
        subject: "请确认您的新邮箱地址",
        body: &["请确认 {email} 是您 Ensemble 账户的新邮箱地址。"],
        action: "确认我的新邮箱",
        after: &[
            "此链接仅可使用一次，24 小时内有效。在此之前，您的账户仍使用原邮箱地址。如果不是您本人的请求，请忽略此邮件。",
        ],
    },
    address_changed: Message {
        subject: "您的邮箱地址已更改",
        body: &["您的 Ensemble 账户邮箱现在是 {email}。今后邮件将不再发送到此地址。"],
        action: "",
        after: &["如果这不是您本人的操作，请立即回复此邮件或联系平台管理员。"],
    },
    password_changed: Message {
        subject: "您的密码已更改",
        body: &["您的 Ensemble 账户密码刚刚被更改，所有设备均已退出登录。"],
        action: "",
        after: &["如果这不是您本人的操作，请立即在登录页面申请新密码。"],
    },
};
