//! One SMART scope token: its grammar, parsed form and canonical text.
//!
//! Resource scopes follow SMART App Launch 1.0
//! (`patient/Observation.read`) and 2.x (`patient/Observation.rs`, with an
//! optional query restriction `?category=...`). Launch scopes, the OpenID
//! Connect scopes and the refresh-token scopes are recognised by name, and
//! every other token is kept as [`Scope::Other`], which grants nothing.

use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use crate::r4::ResourceType;
use crate::smart::error::{ScopeError, ScopeWarning, TokenProblem, shown_token};
use crate::smart::restriction::QueryRestriction;

/// The strictness with which scope text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ParseMode {
    /// Reject anything outside the RFC 6749 and SMART grammars.
    #[default]
    Strict,
    /// Accept common deviations that cannot widen a grant: runs of
    /// whitespace between tokens, permission letters out of order, and
    /// wrongly cased SMART names (kept as [`Scope::Other`]). Each one is
    /// reported as a [`ScopeWarning`].
    Lenient,
}

/// One SMART 2 permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// `c`: type-level create.
    Create,
    /// `r`: read, vread and instance history.
    Read,
    /// `u`: update and patch.
    Update,
    /// `d`: delete.
    Delete,
    /// `s`: type and system search, type and system history.
    Search,
}

impl Permission {
    /// Every permission, in `cruds` order.
    pub const ALL: [Permission; 5] = [
        Permission::Create,
        Permission::Read,
        Permission::Update,
        Permission::Delete,
        Permission::Search,
    ];

    /// Returns the permission letter (`c`, `r`, `u`, `d` or `s`).
    pub fn letter(self) -> char {
        match self {
            Permission::Create => 'c',
            Permission::Read => 'r',
            Permission::Update => 'u',
            Permission::Delete => 'd',
            Permission::Search => 's',
        }
    }

    fn from_letter(letter: u8) -> Option<Self> {
        match letter {
            b'c' => Some(Permission::Create),
            b'r' => Some(Permission::Read),
            b'u' => Some(Permission::Update),
            b'd' => Some(Permission::Delete),
            b's' => Some(Permission::Search),
            _ => None,
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of [`Permission`]s, written as letters in `cruds` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Permissions(u8);

impl Permissions {
    /// No permission.
    pub const NONE: Permissions = Permissions(0);
    /// `cruds`, which SMART 1.0 writes as `*`.
    pub const ALL: Permissions = Permissions(0b1_1111);
    /// `rs`, which SMART 1.0 writes as `read`.
    pub const READ_V1: Permissions = Permissions(0b1_0010);
    /// `cud`, which SMART 1.0 writes as `write`.
    pub const WRITE_V1: Permissions = Permissions(0b0_1101);

    /// Returns whether `permission` is in the set.
    pub fn contains(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }

    /// Returns whether every permission of `other` is in the set.
    pub fn contains_all(self, other: Permissions) -> bool {
        self.0 & other.0 == other.0
    }

    /// Returns whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Returns the permissions in either set.
    #[must_use]
    pub fn union(self, other: Permissions) -> Permissions {
        Permissions(self.0 | other.0)
    }

    /// Returns the permissions in `self` but not in `other`.
    #[must_use]
    pub fn difference(self, other: Permissions) -> Permissions {
        Permissions(self.0 & !other.0)
    }

    /// Returns the permissions, in `cruds` order.
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }

    /// Returns the SMART 1.0 word for this exact set (`read`, `write` or `*`), if
    /// there is one.
    pub fn v1_word(self) -> Option<&'static str> {
        match self {
            Permissions::READ_V1 => Some("read"),
            Permissions::WRITE_V1 => Some("write"),
            Permissions::ALL => Some("*"),
            _ => None,
        }
    }
}

impl From<Permission> for Permissions {
    fn from(permission: Permission) -> Self {
        Permissions(permission.bit())
    }
}

impl FromIterator<Permission> for Permissions {
    fn from_iter<I: IntoIterator<Item = Permission>>(permissions: I) -> Self {
        permissions
            .into_iter()
            .fold(Permissions::NONE, |set, p| set.union(p.into()))
    }
}

impl fmt::Display for Permissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for permission in self.iter() {
            f.write_char(permission.letter())?;
        }
        Ok(())
    }
}

/// The context prefix of a resource scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScopeContext {
    /// `patient/`: resources in the compartment of the patient in context.
    Patient,
    /// `user/`: resources the signed-in user may access.
    User,
    /// `system/`: resources the client's own policy allows (backend services).
    System,
}

impl ScopeContext {
    /// Returns the prefix without the slash (`patient`, `user` or `system`).
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeContext::Patient => "patient",
            ScopeContext::User => "user",
            ScopeContext::System => "system",
        }
    }

    fn from_prefix(prefix: &str) -> Option<Self> {
        match prefix {
            "patient" => Some(ScopeContext::Patient),
            "user" => Some(ScopeContext::User),
            "system" => Some(ScopeContext::System),
            _ => None,
        }
    }

    fn from_prefix_ignoring_case(prefix: &str) -> Option<Self> {
        [
            ScopeContext::Patient,
            ScopeContext::User,
            ScopeContext::System,
        ]
        .into_iter()
        .find(|context| prefix.eq_ignore_ascii_case(context.as_str()))
    }
}

impl fmt::Display for ScopeContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The SMART version whose spelling a resource scope uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ScopeSyntax {
    /// SMART 1.0: `.read`, `.write` or `.*`.
    V1,
    /// SMART 2: letters of `cruds`.
    #[default]
    V2,
}

/// A clinical data scope: `context/ResourceType.permissions[?restriction]`.
///
/// Equality, hashing and set membership compare what the scope grants. The
/// [`syntax`](Self::syntax) it was written in is not compared, so
/// `patient/Observation.read` equals `patient/Observation.rs`.
#[derive(Debug, Clone)]
pub struct ResourceScope {
    context: ScopeContext,
    resource_type: Option<ResourceType>,
    permissions: Permissions,
    restriction: Option<QueryRestriction>,
    syntax: ScopeSyntax,
}

impl ResourceScope {
    /// Builds an unrestricted scope in SMART 2 syntax. `resource_type` is
    /// `None` for the wildcard `*`. Returns `None` when `permissions` is
    /// empty, because such a scope has no text form.
    pub fn new(
        context: ScopeContext,
        resource_type: Option<ResourceType>,
        permissions: Permissions,
    ) -> Option<Self> {
        if permissions.is_empty() {
            return None;
        }
        Some(ResourceScope {
            context,
            resource_type,
            permissions,
            restriction: None,
            syntax: ScopeSyntax::V2,
        })
    }

    /// Returns the scope limited by `restriction`, in SMART 2 syntax.
    #[must_use]
    pub fn with_restriction(mut self, restriction: QueryRestriction) -> Self {
        self.restriction = Some(restriction);
        self.syntax = ScopeSyntax::V2;
        self
    }

    /// Returns the scope with `syntax` as its spelling. A scope whose
    /// permissions or restriction have no SMART 1.0 spelling is still
    /// written in SMART 2 syntax.
    #[must_use]
    pub fn with_syntax(mut self, syntax: ScopeSyntax) -> Self {
        self.syntax = syntax;
        self
    }

    pub(crate) fn with_permissions(mut self, permissions: Permissions) -> Self {
        self.permissions = permissions;
        self
    }

    /// Returns the context prefix.
    pub fn context(&self) -> ScopeContext {
        self.context
    }

    /// Returns the resource type, or `None` for `*`.
    pub fn resource_type(&self) -> Option<ResourceType> {
        self.resource_type
    }

    /// Returns whether the scope applies to `resource_type`, directly or through `*`.
    pub fn applies_to(&self, resource_type: ResourceType) -> bool {
        self.resource_type.is_none_or(|own| own == resource_type)
    }

    /// Returns the permissions granted.
    pub fn permissions(&self) -> Permissions {
        self.permissions
    }

    /// Returns the query restriction, if any.
    pub fn restriction(&self) -> Option<&QueryRestriction> {
        self.restriction.as_ref()
    }

    /// Returns the spelling the scope was written in.
    pub fn syntax(&self) -> ScopeSyntax {
        self.syntax
    }

    /// Returns whether everything this scope grants is also granted by `other`.
    pub fn is_covered_by(&self, other: &ResourceScope) -> bool {
        self.context == other.context
            && (other.resource_type.is_none() || other.resource_type == self.resource_type)
            && other.permissions.contains_all(self.permissions)
            && (other.restriction.is_none() || other.restriction == self.restriction)
    }

    fn key(
        &self,
    ) -> (
        ScopeContext,
        Option<ResourceType>,
        Permissions,
        Option<&QueryRestriction>,
    ) {
        (
            self.context,
            self.resource_type,
            self.permissions,
            self.restriction.as_ref(),
        )
    }
}

impl PartialEq for ResourceScope {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for ResourceScope {}

impl Hash for ResourceScope {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl fmt::Display for ResourceScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.context.as_str())?;
        f.write_char('/')?;
        match self.resource_type {
            Some(resource_type) => f.write_str(resource_type.as_str())?,
            None => f.write_char('*')?,
        }
        f.write_char('.')?;
        let v1_word = match (self.syntax, &self.restriction) {
            (ScopeSyntax::V1, None) => self.permissions.v1_word(),
            _ => None,
        };
        match v1_word {
            Some(word) => f.write_str(word)?,
            None => write!(f, "{}", self.permissions)?,
        }
        if let Some(restriction) = &self.restriction {
            write!(f, "?{restriction}")?;
        }
        Ok(())
    }
}

/// A launch context scope: `launch/patient`, `launch/encounter`, or another
/// lowercase resource type with an optional SMART 2.2 role
/// (`launch/questionnaire?role=https://example.org/role`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LaunchContextScope {
    resource_type: ResourceType,
    role: Option<String>,
}

impl LaunchContextScope {
    /// Creates a request for a resource of `resource_type` in the launch context.
    pub fn new(resource_type: ResourceType) -> Self {
        LaunchContextScope {
            resource_type,
            role: None,
        }
    }

    /// Returns the request limited to the context resource with `role`.
    /// Returns `None` when `role` is empty or contains a byte outside the
    /// scope token characters or an `&`.
    #[must_use]
    pub fn with_role(mut self, role: &str) -> Option<Self> {
        if role.is_empty() || role.bytes().any(|b| !is_token_byte(b) || b == b'&') {
            return None;
        }
        self.role = Some(role.to_owned());
        Some(self)
    }

    /// Returns the resource type requested (`Patient` for `launch/patient`).
    pub fn resource_type(&self) -> ResourceType {
        self.resource_type
    }

    /// Returns the role URI, if one was given.
    pub fn role(&self) -> Option<&str> {
        self.role.as_deref()
    }
}

impl fmt::Display for LaunchContextScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("launch/")?;
        for byte in self.resource_type.as_str().bytes() {
            f.write_char(char::from(byte.to_ascii_lowercase()))?;
        }
        if let Some(role) = &self.role {
            write!(f, "?role={role}")?;
        }
        Ok(())
    }
}

/// One parsed scope token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// A clinical data scope (`patient/Observation.rs`).
    Resource(ResourceScope),
    /// `launch`: the app was launched from the EHR and wants its context.
    Launch,
    /// `launch/<type>`: the app requests a resource of that type in context.
    LaunchContext(LaunchContextScope),
    /// `openid`: an OpenID Connect `id_token`.
    OpenId,
    /// `fhirUser`: the signed-in user's FHIR resource in the `id_token`.
    FhirUser,
    /// `profile`: the SMART 1.0 predecessor of `fhirUser`.
    Profile,
    /// `offline_access`: a refresh token that outlives the user's session.
    OfflineAccess,
    /// `online_access`: a refresh token valid while the user is signed in.
    OnlineAccess,
    /// Any other token, kept verbatim. It grants no FHIR access.
    Other(String),
}

/// The scopes recognised by name, with their text.
const NAMED_SCOPES: [(&str, Scope); 6] = [
    ("launch", Scope::Launch),
    ("openid", Scope::OpenId),
    ("fhirUser", Scope::FhirUser),
    ("profile", Scope::Profile),
    ("offline_access", Scope::OfflineAccess),
    ("online_access", Scope::OnlineAccess),
];

impl Scope {
    /// Parses one scope token.
    ///
    /// In [`ParseMode::Lenient`] the returned warning describes what was
    /// accepted or repaired; strict parsing never returns one.
    ///
    /// # Errors
    ///
    /// Returns [`ScopeError::EmptyToken`] for the empty string,
    /// [`ScopeError::InvalidCharacter`] for a byte outside the RFC 6749
    /// scope token characters (which includes any whitespace), and
    /// [`ScopeError::InvalidToken`] for a token that has the shape of a
    /// SMART scope but breaks its grammar.
    pub fn parse(
        token: &str,
        mode: ParseMode,
    ) -> Result<(Scope, Option<ScopeWarning>), ScopeError> {
        if token.is_empty() {
            return Err(ScopeError::EmptyToken);
        }
        if let Some((position, character)) = token.char_indices().find(|(_, c)| !is_token_char(*c))
        {
            return Err(ScopeError::InvalidCharacter {
                character,
                position,
            });
        }
        parse_checked_token(token, mode)
    }

    /// Returns the resource scope, if this is one.
    pub fn as_resource(&self) -> Option<&ResourceScope> {
        match self {
            Scope::Resource(scope) => Some(scope),
            _ => None,
        }
    }
}

impl FromStr for Scope {
    type Err = ScopeError;

    /// Parses one token in [`ParseMode::Strict`].
    fn from_str(token: &str) -> Result<Self, Self::Err> {
        Scope::parse(token, ParseMode::Strict).map(|(scope, _)| scope)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Resource(scope) => scope.fmt(f),
            Scope::LaunchContext(scope) => scope.fmt(f),
            Scope::Other(token) => f.write_str(token),
            named => {
                let name = NAMED_SCOPES
                    .iter()
                    .find(|(_, scope)| scope == named)
                    .map(|(name, _)| *name);
                f.write_str(name.unwrap_or_default())
            }
        }
    }
}

impl From<ResourceScope> for Scope {
    fn from(scope: ResourceScope) -> Self {
        Scope::Resource(scope)
    }
}

/// Returns whether `byte` may appear in a scope token (RFC 6749 section 3.3:
/// `%x21 / %x23-5B / %x5D-7E`).
pub(crate) fn is_token_byte(byte: u8) -> bool {
    matches!(byte, 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

fn is_token_char(character: char) -> bool {
    u8::try_from(character).is_ok_and(is_token_byte)
}

/// Parses a token whose bytes are already known to be token characters.
pub(crate) fn parse_checked_token(
    token: &str,
    mode: ParseMode,
) -> Result<(Scope, Option<ScopeWarning>), ScopeError> {
    if let Some(slash) = token.find('/') {
        let (prefix, rest) = (&token[..slash], &token[slash + 1..]);
        if let Some(context) = ScopeContext::from_prefix(prefix) {
            return parse_resource_scope(token, context, rest, mode);
        }
        if prefix == "launch" {
            return parse_launch_context(token, rest, mode);
        }
        if let Some(context) = ScopeContext::from_prefix_ignoring_case(prefix) {
            let problem = TokenProblem::ContextCase {
                found: prefix.to_owned(),
                expected: context.as_str(),
            };
            return near_miss(token, problem, mode);
        }
        if prefix.eq_ignore_ascii_case("launch") {
            let expected = format!("launch/{}", rest.to_ascii_lowercase());
            return near_miss(token, TokenProblem::LaunchCase { expected }, mode);
        }
        return Ok((Scope::Other(token.to_owned()), None));
    }
    if let Some((_, scope)) = NAMED_SCOPES.iter().find(|(name, _)| *name == token) {
        return Ok((scope.clone(), None));
    }
    if let Some((name, _)) = NAMED_SCOPES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(token))
    {
        return near_miss(token, TokenProblem::NameCase { expected: name }, mode);
    }
    Ok((Scope::Other(token.to_owned()), None))
}

/// Rejects a wrongly cased SMART name in strict mode, and keeps it as
/// [`Scope::Other`] with a warning in lenient mode.
fn near_miss(
    token: &str,
    problem: TokenProblem,
    mode: ParseMode,
) -> Result<(Scope, Option<ScopeWarning>), ScopeError> {
    match mode {
        ParseMode::Strict => Err(ScopeError::token(token, problem)),
        ParseMode::Lenient => {
            let warning = ScopeWarning::KeptAsOther {
                token: shown_token(token),
                problem,
            };
            Ok((Scope::Other(token.to_owned()), Some(warning)))
        }
    }
}

fn parse_resource_scope(
    token: &str,
    context: ScopeContext,
    rest: &str,
    mode: ParseMode,
) -> Result<(Scope, Option<ScopeWarning>), ScopeError> {
    let Some(dot) = rest.find('.') else {
        return Err(ScopeError::token(token, TokenProblem::MissingPermissions));
    };
    let (type_name, suffix) = (&rest[..dot], &rest[dot + 1..]);
    let resource_type = match type_name {
        "*" => None,
        name => Some(lookup_resource_type(name).ok_or_else(|| {
            let suggestion = ResourceType::ALL
                .iter()
                .map(|t| t.as_str())
                .find(|t| t.eq_ignore_ascii_case(name));
            ScopeError::token(
                token,
                TokenProblem::UnknownResourceType {
                    name: name.to_owned(),
                    suggestion,
                },
            )
        })?),
    };
    let (permission_text, query) = match suffix.find('?') {
        Some(question) => (&suffix[..question], Some(&suffix[question + 1..])),
        None => (suffix, None),
    };

    let v1 = match permission_text {
        "read" => Some(Permissions::READ_V1),
        "write" => Some(Permissions::WRITE_V1),
        "*" => Some(Permissions::ALL),
        _ => None,
    };
    if let Some(permissions) = v1 {
        if query.is_some() {
            let problem = TokenProblem::RestrictionAfterV1 {
                permissions: permission_text.to_owned(),
            };
            return Err(ScopeError::token(token, problem));
        }
        let scope = ResourceScope {
            context,
            resource_type,
            permissions,
            restriction: None,
            syntax: ScopeSyntax::V1,
        };
        return Ok((Scope::Resource(scope), None));
    }

    let (permissions, in_order) = parse_permission_letters(token, permission_text)?;
    let restriction = match query {
        Some(query) => Some(
            QueryRestriction::parse(query, resource_type)
                .map_err(|problem| ScopeError::token(token, TokenProblem::Restriction(problem)))?,
        ),
        None => None,
    };
    let scope = ResourceScope {
        context,
        resource_type,
        permissions,
        restriction,
        syntax: ScopeSyntax::V2,
    };
    if in_order {
        return Ok((Scope::Resource(scope), None));
    }
    match mode {
        ParseMode::Strict => {
            let problem = TokenProblem::PermissionsOutOfOrder {
                found: permission_text.to_owned(),
                expected: permissions.to_string(),
            };
            Err(ScopeError::token(token, problem))
        }
        ParseMode::Lenient => {
            let warning = ScopeWarning::PermissionsReordered {
                token: shown_token(token),
                canonical: shown_token(&scope.to_string()),
            };
            Ok((Scope::Resource(scope), Some(warning)))
        }
    }
}

/// Reads SMART 2 permission letters, returning them and whether they were
/// in `cruds` order.
fn parse_permission_letters(token: &str, text: &str) -> Result<(Permissions, bool), ScopeError> {
    if text.is_empty() {
        return Err(ScopeError::token(token, TokenProblem::EmptyPermissions));
    }
    let mut permissions = Permissions::NONE;
    let mut in_order = true;
    let mut previous: Option<Permission> = None;
    for byte in text.bytes() {
        let Some(permission) = Permission::from_letter(byte) else {
            let problem = TokenProblem::UnknownPermission {
                letter: char::from(byte),
                found: text.to_owned(),
            };
            return Err(ScopeError::token(token, problem));
        };
        if permissions.contains(permission) {
            let problem = TokenProblem::RepeatedPermission {
                letter: char::from(byte),
                found: text.to_owned(),
            };
            return Err(ScopeError::token(token, problem));
        }
        if previous.is_some_and(|previous| previous > permission) {
            in_order = false;
        }
        previous = Some(permission);
        permissions = permissions.union(permission.into());
    }
    Ok((permissions, in_order))
}

fn parse_launch_context(
    token: &str,
    rest: &str,
    mode: ParseMode,
) -> Result<(Scope, Option<ScopeWarning>), ScopeError> {
    let (type_name, query) = match rest.find('?') {
        Some(question) => (&rest[..question], Some(&rest[question + 1..])),
        None => (rest, None),
    };
    let lowercase = type_name.bytes().all(|b| b.is_ascii_lowercase());
    let matched = ResourceType::ALL
        .iter()
        .copied()
        .find(|t| t.as_str().eq_ignore_ascii_case(type_name));
    let resource_type = match matched {
        Some(resource_type) if lowercase => resource_type,
        Some(_) => {
            let expected = format!("launch/{}", rest.to_ascii_lowercase());
            return near_miss(token, TokenProblem::LaunchCase { expected }, mode);
        }
        // The specification lets servers define launch contexts beyond
        // resource types; those stay unrecognized.
        None => return Ok((Scope::Other(token.to_owned()), None)),
    };
    let scope = LaunchContextScope::new(resource_type);
    let scope = match query {
        None => scope,
        Some(query) => query
            .strip_prefix("role=")
            .and_then(|role| scope.with_role(role))
            .ok_or_else(|| {
                ScopeError::token(
                    token,
                    TokenProblem::LaunchQuery {
                        found: query.to_owned(),
                    },
                )
            })?,
    };
    Ok((Scope::LaunchContext(scope), None))
}

/// Looks up an R4 resource type by its exact, case-sensitive name.
pub(crate) fn lookup_resource_type(name: &str) -> Option<ResourceType> {
    ResourceType::from_name(name)
}
