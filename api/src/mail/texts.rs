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

/// A notification by mail: `{actor}`, `{organisation}` and `{role}` mark where the values
/// go.
#[derive(Debug, Clone, Copy)]
pub struct Notice {
    pub subject: &'static str,
    pub body: &'static str,
    pub action: &'static str,
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
    /// An invitation to a team sent to an address: `{actor}`, `{organisation}`, `{role}`.
    pub invitation_to_address: Message,
    pub comment_reply: Notice,
    pub update_comment: Notice,
    pub role_granted: Notice,
    pub invitation: Notice,
    pub verification_changed: Notice,
    /// The platform's decision on an organisation's identity, to its owners.
    pub verification_approved: Notice,
    pub verification_rejected: Notice,
    /// What came of a report, to the person who sent it.
    pub report_upheld: Notice,
    pub report_dismissed: Notice,
    /// Role names, as notifications say them.
    pub owner: &'static str,
    pub admin: &'static str,
    pub editor: &'static str,
    /// Why the person receives a message they may stop, and the link that stops it.
    pub why_replies: &'static str,
    pub why_comments: &'static str,
    pub why_invitations: &'static str,
    pub why_verification: &'static str,
    pub why_reports: &'static str,
    pub unsubscribe: &'static str,
    /// A payment received: `{amount}`, `{organisation}`, `{number}` (the receipt's number).
    pub receipt: Notice,
    pub recurring_charged: Notice,
    /// A period of a monthly gift not charged: `{amount}`, `{organisation}`.
    pub recurring_failed: Notice,
    /// Before the subject and in the body of anything about test money (the sandbox).
    pub test_money: &'static str,
    pub why_receipts: &'static str,
    pub why_recurring: &'static str,
    /// The digest: `{count}` updates; `{more}` not shown; `{notifications}` waiting.
    pub digest_subject: &'static str,
    pub digest_intro: &'static str,
    pub digest_more: &'static str,
    pub digest_notifications: &'static str,
    pub digest_action: &'static str,
    pub why_digest_daily: &'static str,
    pub why_digest_weekly: &'static str,
    pub digest_unsubscribe: &'static str,
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
    invitation_to_address: Message {
        subject: "{actor} invites you to join {organisation} on Ensemble",
        body: &[
            "{actor} invites you to join the team of {organisation} on Ensemble as {role}, to publish its news and look after its page together.",
            "If you have no Ensemble account yet, you can make one from the invitation in a minute.",
        ],
        action: "See the invitation",
        after: &[
            "The invitation waits for 14 days. If you do not know {actor} or {organisation}, ignore this message: nothing happens unless you accept.",
        ],
    },
    comment_reply: Notice {
        subject: "{actor} replied to your comment",
        body: "{actor} replied to your comment on an update of {organisation}.",
        action: "Read the reply",
    },
    update_comment: Notice {
        subject: "New comment on an update of {organisation}",
        body: "{actor} commented on an update of {organisation}.",
        action: "Read the comment",
    },
    role_granted: Notice {
        subject: "You are now {role} of {organisation}",
        body: "{actor} made you {role} of {organisation} on Ensemble.",
        action: "Open {organisation}",
    },
    invitation: Notice {
        subject: "{actor} invites you to join {organisation}",
        body: "{actor} invites you to join the team of {organisation} as {role}. You join only if you accept; the invitation waits for 14 days.",
        action: "See the invitation",
    },
    verification_changed: Notice {
        subject: "{organisation} is back in review",
        body: "The name, registration or website of {organisation} changed since it was verified. It receives no gifts until the platform has checked it again.",
        action: "Open {organisation}",
    },
    verification_approved: Notice {
        subject: "{organisation} is verified",
        body: "The platform checked the identity of {organisation}: its page now shows it as verified, and it can receive gifts.",
        action: "Open {organisation}",
    },
    verification_rejected: Notice {
        subject: "{organisation} could not be verified",
        body: "The platform could not verify the identity of {organisation}. The organisation's administration page says why; you can correct it and ask again.",
        action: "Open {organisation}",
    },
    report_upheld: Notice {
        subject: "The moderators acted on your report",
        body: "The moderators looked at what you reported and acted on it: it was removed, put under review, or its author suspended. Thank you for helping keep Ensemble safe.",
        action: "See my notifications",
    },
    report_dismissed: Notice {
        subject: "The moderators looked at your report",
        body: "The moderators looked at what you reported and found nothing against the rules: it stays as it was. Thank you for telling them; you may block a person whose words you would rather not read.",
        action: "See my notifications",
    },
    owner: "owner",
    admin: "administrator",
    editor: "editor",
    why_replies: "You receive this because someone replied to you.",
    why_comments: "You receive this because you are in the team of {organisation}.",
    why_invitations: "You receive this because someone invited you to a team.",
    why_verification: "You receive this because you own {organisation}.",
    why_reports: "You receive this because you reported something to the moderators.",
    unsubscribe: "Stop these messages",
    receipt: Notice {
        subject: "Thank you: your gift of {amount} to {organisation}",
        body: "{organisation} received your gift of {amount}. Receipt number {number}: the printable receipt is in your gifts.",
        action: "See my gifts",
    },
    recurring_charged: Notice {
        subject: "Your regular gift of {amount} to {organisation}",
        body: "This period of your regular gift to {organisation} was charged: {amount}. Receipt number {number}. You can stop the gift at any time from your gifts.",
        action: "See my gifts",
    },
    recurring_failed: Notice {
        subject: "Your monthly gift of {amount} to {organisation} could not be charged",
        body: "This month's payment of your gift of {amount} to {organisation} failed. The payment provider will try again in the coming days; if it never succeeds, the gift stops. You can check your card, or stop the gift, from your gifts.",
        action: "See my gifts",
    },
    test_money: "TEST, no money moved:",
    why_receipts: "You receive this because you gave through Ensemble.",
    why_recurring: "You receive this because you give every month or year through Ensemble.",
    digest_subject: "Your news on Ensemble: {count} updates",
    digest_intro: "What the organisations and causes you follow shared since your last digest:",
    digest_more: "And {more} more in your feed.",
    digest_notifications: "{notifications} notifications wait for you (comments and other news).",
    digest_action: "Open my feed",
    why_digest_daily: "You receive this digest every morning.",
    why_digest_weekly: "You receive this digest every Monday morning.",
    digest_unsubscribe: "Stop the digest",
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
    invitation_to_address: Message {
        subject: "{actor} vous invite à rejoindre {organisation} sur Ensemble",
        body: &[
            "{actor} vous invite à rejoindre l'équipe de {organisation} sur Ensemble en tant que {role}, pour publier ses actualités et s'occuper de sa page ensemble.",
            "Si vous n'avez pas encore de compte Ensemble, vous pouvez en créer un depuis l'invitation en une minute.",
        ],
        action: "Voir l'invitation",
        after: &[
            "L'invitation attend 14 jours. Si vous ne connaissez ni {actor} ni {organisation}, ignorez ce message : rien ne se passe si vous n'acceptez pas.",
        ],
    },
    comment_reply: Notice {
        subject: "{actor} a répondu à votre commentaire",
        body: "{actor} a répondu à votre commentaire sur une actualité de {organisation}.",
        action: "Lire la réponse",
    },
    update_comment: Notice {
        subject: "Nouveau commentaire sur une actualité de {organisation}",
        body: "{actor} a commenté une actualité de {organisation}.",
        action: "Lire le commentaire",
    },
    role_granted: Notice {
        subject: "Vous êtes désormais {role} de {organisation}",
        body: "{actor} vous a fait {role} de {organisation} sur Ensemble.",
        action: "Ouvrir {organisation}",
    },
    invitation: Notice {
        subject: "{actor} vous invite à rejoindre {organisation}",
        body: "{actor} vous invite à rejoindre l'équipe de {organisation} en tant que {role}. Vous n'en faites partie que si vous acceptez ; l'invitation attend 14 jours.",
        action: "Voir l'invitation",
    },
    verification_changed: Notice {
        subject: "{organisation} est de nouveau en cours de vérification",
        body: "Le nom, l'enregistrement ou le site de {organisation} a changé depuis sa vérification. Elle ne reçoit plus de dons tant que la plateforme ne l'a pas vérifiée à nouveau.",
        action: "Ouvrir {organisation}",
    },
    verification_approved: Notice {
        subject: "{organisation} est vérifiée",
        body: "La plateforme a vérifié l'identité de {organisation} : sa page l'indique désormais comme vérifiée, et elle peut recevoir des dons.",
        action: "Ouvrir {organisation}",
    },
    verification_rejected: Notice {
        subject: "{organisation} n'a pas pu être vérifiée",
        body: "La plateforme n'a pas pu vérifier l'identité de {organisation}. La page d'administration de l'organisation en donne la raison ; vous pouvez corriger et demander à nouveau.",
        action: "Ouvrir {organisation}",
    },
    report_upheld: Notice {
        subject: "Les modérateurs ont donné suite à votre signalement",
        body: "Les modérateurs ont examiné ce que vous avez signalé et y ont donné suite : le contenu a été retiré, mis en examen, ou son auteur suspendu. Merci d'aider à garder Ensemble sûr.",
        action: "Voir mes notifications",
    },
    report_dismissed: Notice {
        subject: "Les modérateurs ont examiné votre signalement",
        body: "Les modérateurs ont examiné ce que vous avez signalé et n'y ont rien trouvé de contraire aux règles : il reste tel quel. Merci de les avoir prévenus ; vous pouvez bloquer une personne que vous préférez ne pas lire.",
        action: "Voir mes notifications",
    },
    owner: "propriétaire",
    admin: "administrateur",
    editor: "rédacteur",
    why_replies: "Vous recevez ce message parce que quelqu'un vous a répondu.",
    why_comments: "Vous recevez ce message parce que vous faites partie de l'équipe de {organisation}.",
    why_invitations: "Vous recevez ce message parce que quelqu'un vous a invité dans une équipe.",
    why_verification: "Vous recevez ce message parce que vous êtes propriétaire de {organisation}.",
    why_reports: "Vous recevez ce message parce que vous avez signalé un contenu aux modérateurs.",
    unsubscribe: "Ne plus recevoir ces messages",
    receipt: Notice {
        subject: "Merci : votre don de {amount} à {organisation}",
        body: "{organisation} a reçu votre don de {amount}. Reçu n° {number} : le reçu imprimable est dans vos dons.",
        action: "Voir mes dons",
    },
    recurring_charged: Notice {
        subject: "Votre don régulier de {amount} à {organisation}",
        body: "Cette échéance de votre don régulier à {organisation} a été prélevée : {amount}. Reçu n° {number}. Vous pouvez arrêter ce don à tout moment depuis vos dons.",
        action: "Voir mes dons",
    },
    recurring_failed: Notice {
        subject: "Votre don mensuel de {amount} à {organisation} n'a pas pu être prélevé",
        body: "Le paiement de ce mois de votre don de {amount} à {organisation} a échoué. Le prestataire de paiement réessaiera dans les prochains jours ; s'il n'y parvient pas, le don s'arrête. Vous pouvez vérifier votre carte, ou arrêter le don, depuis vos dons.",
        action: "Voir mes dons",
    },
    test_money: "TEST, aucun argent n'a circulé :",
    why_receipts: "Vous recevez ce message parce que vous avez donné sur Ensemble.",
    why_recurring: "Vous recevez ce message parce que vous donnez chaque mois ou chaque année sur Ensemble.",
    digest_subject: "Vos nouvelles sur Ensemble : {count} actualités",
    digest_intro: "Ce que les organisations et les causes que vous suivez ont partagé depuis votre dernier résumé :",
    digest_more: "Et {more} de plus dans votre fil.",
    digest_notifications: "{notifications} notifications vous attendent (commentaires et autres nouvelles).",
    digest_action: "Ouvrir mon fil",
    why_digest_daily: "Vous recevez ce résumé chaque matin.",
    why_digest_weekly: "Vous recevez ce résumé chaque lundi matin.",
    digest_unsubscribe: "Ne plus recevoir le résumé",
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
    invitation_to_address: Message {
        subject: "{actor} le invita a unirse a {organisation} en Ensemble",
        body: &[
            "{actor} le invita a unirse al equipo de {organisation} en Ensemble como {role}, para publicar sus novedades y cuidar juntos de su página.",
            "Si todavía no tiene una cuenta de Ensemble, puede crearla desde la invitación en un minuto.",
        ],
        action: "Ver la invitación",
        after: &[
            "La invitación espera 14 días. Si no conoce a {actor} ni a {organisation}, ignore este mensaje: no pasa nada si no acepta.",
        ],
    },
    comment_reply: Notice {
        subject: "{actor} respondió a su comentario",
        body: "{actor} respondió a su comentario en una novedad de {organisation}.",
        action: "Leer la respuesta",
    },
    update_comment: Notice {
        subject: "Nuevo comentario en una novedad de {organisation}",
        body: "{actor} comentó una novedad de {organisation}.",
        action: "Leer el comentario",
    },
    role_granted: Notice {
        subject: "Ahora es {role} de {organisation}",
        body: "{actor} le nombró {role} de {organisation} en Ensemble.",
        action: "Abrir {organisation}",
    },
    invitation: Notice {
        subject: "{actor} le invita a unirse a {organisation}",
        body: "{actor} le invita a unirse al equipo de {organisation} como {role}. Solo formará parte si acepta; la invitación espera 14 días.",
        action: "Ver la invitación",
    },
    verification_changed: Notice {
        subject: "{organisation} vuelve a estar en revisión",
        body: "El nombre, el registro o el sitio web de {organisation} cambió desde su verificación. No recibe donaciones hasta que la plataforma la verifique de nuevo.",
        action: "Abrir {organisation}",
    },
    verification_approved: Notice {
        subject: "{organisation} está verificada",
        body: "La plataforma comprobó la identidad de {organisation}: su página ya la muestra como verificada y puede recibir donaciones.",
        action: "Abrir {organisation}",
    },
    verification_rejected: Notice {
        subject: "{organisation} no pudo ser verificada",
        body: "La plataforma no pudo verificar la identidad de {organisation}. La página de administración de la organización explica por qué; puede corregirlo y pedirlo de nuevo.",
        action: "Abrir {organisation}",
    },
    report_upheld: Notice {
        subject: "Los moderadores actuaron sobre su denuncia",
        body: "Los moderadores revisaron lo que denunció y actuaron: se retiró, se puso en revisión o se suspendió a su autor. Gracias por ayudar a mantener Ensemble seguro.",
        action: "Ver mis notificaciones",
    },
    report_dismissed: Notice {
        subject: "Los moderadores revisaron su denuncia",
        body: "Los moderadores revisaron lo que denunció y no encontraron nada contrario a las normas: se queda como estaba. Gracias por avisarles; puede bloquear a una persona que prefiera no leer.",
        action: "Ver mis notificaciones",
    },
    owner: "propietario",
    admin: "administrador",
    editor: "editor",
    why_replies: "Recibe este mensaje porque alguien le respondió.",
    why_comments: "Recibe este mensaje porque forma parte del equipo de {organisation}.",
    why_invitations: "Recibe este mensaje porque alguien le invitó a un equipo.",
    why_verification: "Recibe este mensaje porque es propietario de {organisation}.",
    why_reports: "Recibe este mensaje porque denunció algo a los moderadores.",
    unsubscribe: "Dejar de recibir estos mensajes",
    receipt: Notice {
        subject: "Gracias: su donación de {amount} a {organisation}",
        body: "{organisation} recibió su donación de {amount}. Recibo n.º {number}: el recibo imprimible está en sus donaciones.",
        action: "Ver mis donaciones",
    },
    recurring_charged: Notice {
        subject: "Su donación periódica de {amount} a {organisation}",
        body: "Se cobró este periodo de su donación periódica a {organisation}: {amount}. Recibo n.º {number}. Puede detener la donación cuando quiera desde sus donaciones.",
        action: "Ver mis donaciones",
    },
    recurring_failed: Notice {
        subject: "No se pudo cobrar su donación mensual de {amount} a {organisation}",
        body: "El pago de este mes de su donación de {amount} a {organisation} falló. El proveedor de pagos lo intentará de nuevo en los próximos días; si nunca lo logra, la donación se detiene. Puede revisar su tarjeta, o detener la donación, desde sus donaciones.",
        action: "Ver mis donaciones",
    },
    test_money: "PRUEBA, no se movió dinero:",
    why_receipts: "Recibe este mensaje porque donó a través de Ensemble.",
    why_recurring: "Recibe este mensaje porque dona cada mes o cada año a través de Ensemble.",
    digest_subject: "Sus novedades en Ensemble: {count} publicaciones",
    digest_intro: "Lo que compartieron las organizaciones y causas que sigue desde su último resumen:",
    digest_more: "Y {more} más en su página de novedades.",
    digest_notifications: "Le esperan {notifications} notificaciones (comentarios y otras noticias).",
    digest_action: "Abrir mis novedades",
    why_digest_daily: "Recibe este resumen cada mañana.",
    why_digest_weekly: "Recibe este resumen cada lunes por la mañana.",
    digest_unsubscribe: "Dejar de recibir el resumen",
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
    invitation_to_address: Message {
        subject: "{actor} 邀请您在 Ensemble 上加入 {organisation}",
        body: &[
            "{actor} 邀请您以{role}身份加入 {organisation} 在 Ensemble 上的团队，一起发布动态、管理主页。",
            "如果您还没有 Ensemble 账户，可以通过邀请在一分钟内注册。",
        ],
        action: "查看邀请",
        after: &[
            "邀请有效期为 14 天。如果您不认识 {actor} 或 {organisation}，请忽略此邮件：除非您接受，否则什么都不会发生。",
        ],
    },
    comment_reply: Notice {
        subject: "{actor} 回复了您的评论",
        body: "{actor} 回复了您在 {organisation} 动态下的评论。",
        action: "查看回复",
    },
    update_comment: Notice {
        subject: "{organisation} 的动态有新评论",
        body: "{actor} 评论了 {organisation} 的一条动态。",
        action: "查看评论",
    },
    role_granted: Notice {
        subject: "您现在是 {organisation} 的{role}",
        body: "{actor} 已在 Ensemble 上将您设为 {organisation} 的{role}。",
        action: "打开 {organisation}",
    },
    invitation: Notice {
        subject: "{actor} 邀请您加入 {organisation}",
        body: "{actor} 邀请您以{role}身份加入 {organisation} 的团队。只有在您接受后才会加入；邀请有效期为 14 天。",
        action: "查看邀请",
    },
    verification_changed: Notice {
        subject: "{organisation} 重新进入审核",
        body: "{organisation} 的名称、登记信息或网站在认证后发生了变化。在平台重新审核之前，它将无法接收捐款。",
        action: "打开 {organisation}",
    },
    verification_approved: Notice {
        subject: "{organisation} 已通过认证",
        body: "平台已核实 {organisation} 的身份：其主页现显示为已认证，并可以接收捐款。",
        action: "打开 {organisation}",
    },
    verification_rejected: Notice {
        subject: "{organisation} 未能通过认证",
        body: "平台未能核实 {organisation} 的身份。组织的管理页面说明了原因；您可以更正后重新申请。",
        action: "打开 {organisation}",
    },
    report_upheld: Notice {
        subject: "审核员已处理您的举报",
        body: "审核员查看了您举报的内容并已处理：内容已被移除、列入审核，或其作者已被暂停。感谢您帮助维护 Ensemble 的安全。",
        action: "查看我的通知",
    },
    report_dismissed: Notice {
        subject: "审核员已查看您的举报",
        body: "审核员查看了您举报的内容，未发现违反规则之处：内容保持不变。感谢您的告知；您可以屏蔽不想看到其言论的用户。",
        action: "查看我的通知",
    },
    owner: "所有者",
    admin: "管理员",
    editor: "编辑",
    why_replies: "您收到此邮件是因为有人回复了您。",
    why_comments: "您收到此邮件是因为您是 {organisation} 团队的成员。",
    why_invitations: "您收到此邮件是因为有人邀请您加入团队。",
    why_verification: "您收到此邮件是因为您是 {organisation} 的所有者。",
    why_reports: "您收到此邮件是因为您向审核员举报了内容。",
    unsubscribe: "不再接收此类邮件",
    receipt: Notice {
        subject: "感谢您向 {organisation} 捐赠 {amount}",
        body: "{organisation} 已收到您捐赠的 {amount}。收据编号 {number}：可打印的收据在“我的捐款”中。",
        action: "查看我的捐款",
    },
    recurring_charged: Notice {
        subject: "您向 {organisation} 的定期捐款 {amount}",
        body: "您向 {organisation} 的定期捐款本期已扣款：{amount}。收据编号 {number}。您可以随时在“我的捐款”中停止这项捐款。",
        action: "查看我的捐款",
    },
    recurring_failed: Notice {
        subject: "您给 {organisation} 的每月 {amount} 捐款未能扣款",
        body: "您给 {organisation} 的 {amount} 捐款本月扣款失败。支付服务商会在接下来几天重试；如果始终无法成功，捐款将停止。您可以在“我的捐款”中检查银行卡或停止这笔捐款。",
        action: "查看我的捐款",
    },
    test_money: "测试，未发生真实资金流动：",
    why_receipts: "您收到此邮件是因为您通过 Ensemble 进行了捐款。",
    why_recurring: "您收到此邮件是因为您通过 Ensemble 每月或每年捐款。",
    digest_subject: "您在 Ensemble 上的动态：{count} 条更新",
    digest_intro: "自上次摘要以来，您关注的组织和议题分享了以下内容：",
    digest_more: "您的动态中还有 {more} 条。",
    digest_notifications: "有 {notifications} 条通知等您查看（评论及其他消息）。",
    digest_action: "打开我的动态",
    why_digest_daily: "您每天早上都会收到此摘要。",
    why_digest_weekly: "您每周一早上都会收到此摘要。",
    digest_unsubscribe: "不再接收摘要",
};
