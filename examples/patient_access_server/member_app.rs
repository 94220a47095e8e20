//! A member-facing app of a health plan: it discovers the server, gets a
//! token, summarises the cost sharing of the member's claims through the
//! typed CARIN BB 2.0.0 profiles, and looks up in-network practitioners
//! near a ZIP code. It needs the `carin-bb` feature.
//!
//! The `member_app` example runs it against any base URL, and the
//! `patient_access_server` example runs it against its own server.

pub mod cost_sharing;

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use fhir_payer::r4::{
    Bundle, CodeableConcept, ExtensionValue, HumanName, Reference, Resource, SearchEntryMode,
};
use fhir_payer::smart::discovery::SmartConfiguration;
use fhir_payer::smart::token::TokenResponse;
use rust_decimal::Decimal;

use cost_sharing::{base_cost_sharing, fit_profile};

/// The grant type of the demo token endpoint of `patient_access_server`.
const DEMO_GRANT_TYPE: &str = "urn:fhir-payer:params:oauth:grant-type:demo-member";

/// The scopes the app requests: read and search of the member's claims,
/// coverage and demographics, and nothing else.
pub const APP_SCOPES: &str =
    "patient/ExplanationOfBenefit.rs patient/Coverage.rs patient/Patient.rs";

/// The Plan Net extension that names the network of a PractitionerRole.
const NETWORK_EXTENSION: &str =
    "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/network-reference";

/// The page size the app requests, small so that paging is exercised.
const PAGE_SIZE: u32 = 3;

/// The maximum number of pages the app follows, so that a server that always returns a
/// `next` link cannot keep it looping.
const MAX_PAGES: usize = 50;

/// A FHIR client for one server, over plain HTTP.
pub struct FhirClient {
    agent: ureq::Agent,
    base_url: String,
    access_token: Option<String>,
}

/// A response: the status and the body.
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The response headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// Returns the value of the header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(found, _)| found == name)
            .map(|(_, value)| value.as_str())
    }
}

impl FhirClient {
    /// Creates a client for the server at `base_url` (no trailing `/`). Each
    /// request times out after 30 seconds.
    pub fn new(base_url: &str) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build();
        FhirClient {
            agent: ureq::Agent::new_with_config(config),
            base_url: base_url.trim_end_matches('/').to_owned(),
            access_token: None,
        }
    }

    /// Sends a GET for `target`, which is either an absolute URL (a paging
    /// link) or a path and query on the base URL (`/Patient?name=x`).
    ///
    /// # Errors
    ///
    /// Returns a message when the request fails before a response arrives.
    pub fn get(&self, target: &str) -> Result<HttpResponse, String> {
        self.get_with_headers(target, &[])
    }

    /// Sends a GET as [`get`](Self::get) does, with extra request headers
    /// (`Prefer: handling=strict`).
    ///
    /// # Errors
    ///
    /// Returns a message when the request fails before a response arrives.
    pub fn get_with_headers(
        &self,
        target: &str,
        headers: &[(&str, &str)],
    ) -> Result<HttpResponse, String> {
        let url = self.url(target);
        let mut request = self
            .agent
            .get(&url)
            .header("Accept", "application/fhir+json");
        if let Some(token) = &self.access_token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request
            .call()
            .map_err(|error| format!("GET {url} failed: {error}"))?;
        read_response(response, &url)
    }

    /// Sends a GET and parses a successful response as a FHIR resource.
    ///
    /// # Errors
    ///
    /// Returns a message with the status and body for a non-2xx response,
    /// or the parse error.
    pub fn get_resource(&self, target: &str) -> Result<Resource, String> {
        let response = self.get(target)?;
        if !(200..300).contains(&response.status) {
            return Err(format!(
                "GET {target} returned {}: {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            ));
        }
        let media_type = response.header("content-type").unwrap_or_default();
        if !media_type.starts_with("application/fhir+json")
            && !media_type.starts_with("application/json")
        {
            return Err(format!(
                "GET {target} returned Content-Type `{media_type}`, not FHIR JSON"
            ));
        }
        fhir_payer::json::from_slice(&response.body)
            .map_err(|error| format!("GET {target} returned an invalid resource: {error}"))
    }

    /// Sends a GET and returns the response as a searchset Bundle.
    ///
    /// # Errors
    ///
    /// As [`get_resource`](Self::get_resource), and when the resource is not
    /// a Bundle.
    pub fn search(&self, target: &str) -> Result<Bundle, String> {
        match self.get_resource(target)? {
            Resource::Bundle(bundle) => Ok(*bundle),
            other => Err(format!(
                "GET {target} returned a {} instead of a Bundle",
                other.resource_type()
            )),
        }
    }

    /// Follows the `next` links of a search from `first` and returns every
    /// page, at most [`MAX_PAGES`].
    ///
    /// # Errors
    ///
    /// As [`search`](Self::search).
    pub fn search_all_pages(&self, first: &str) -> Result<Vec<Bundle>, String> {
        let mut pages = vec![self.search(first)?];
        while pages.len() < MAX_PAGES {
            let Some(next) = pages.last().and_then(|page| link(page, "next")) else {
                break;
            };
            pages.push(self.search(&next)?);
        }
        Ok(pages)
    }

    /// Discovers the token endpoint and requests a token for `scope` with
    /// the demo grant. Later requests send the token.
    ///
    /// # Errors
    ///
    /// Returns a message when discovery or the token request fails.
    pub fn authorize(&mut self, scope: &str) -> Result<TokenResponse, String> {
        let discovery = self.get("/.well-known/smart-configuration")?;
        if discovery.status != 200 {
            return Err(format!(
                "GET /.well-known/smart-configuration returned {}",
                discovery.status
            ));
        }
        let configuration: SmartConfiguration = serde_json::from_slice(&discovery.body)
            .map_err(|error| format!("invalid smart-configuration: {error}"))?;
        if !configuration
            .grant_types_supported
            .iter()
            .any(|grant| grant == DEMO_GRANT_TYPE)
        {
            return Err(format!(
                "the server does not offer the demo grant {DEMO_GRANT_TYPE}; it offers {:?}",
                configuration.grant_types_supported
            ));
        }

        let url = configuration.token_endpoint;
        let response = self
            .agent
            .post(&url)
            .send_form([("grant_type", DEMO_GRANT_TYPE), ("scope", scope)])
            .map_err(|error| format!("POST {url} failed: {error}"))?;
        let response = read_response(response, &url)?;
        if response.status != 200 {
            return Err(format!(
                "POST {url} returned {}: {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            ));
        }
        let token: TokenResponse = serde_json::from_slice(&response.body)
            .map_err(|error| format!("invalid token response from {url}: {error}"))?;
        self.access_token = Some(token.access_token.clone());
        Ok(token)
    }

    fn url(&self, target: &str) -> String {
        if target.starts_with("http://") || target.starts_with("https://") {
            target.to_owned()
        } else {
            format!("{}{target}", self.base_url)
        }
    }
}

fn read_response(
    mut response: ureq::http::Response<ureq::Body>,
    url: &str,
) -> Result<HttpResponse, String> {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    let body = response
        .body_mut()
        .read_to_vec()
        .map_err(|error| format!("failed to read the response of {url}: {error}"))?;
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// Returns the URL of the Bundle link with `relation`.
pub fn link(bundle: &Bundle, relation: &str) -> Option<String> {
    bundle
        .link
        .iter()
        .find(|link| text(&link.relation).as_deref() == Some(relation))
        .and_then(|link| {
            link.url
                .as_ref()?
                .value()
                .map(|url| url.as_str().to_owned())
        })
}

/// Runs the whole app against `base_url`, writing its report to `out`:
/// claims of the member in the token, then in-network practitioners whose
/// practice location has a ZIP code starting with `zip`.
///
/// # Errors
///
/// Returns a message for the first request that fails.
pub fn run(base_url: &str, zip: &str, out: &mut dyn Write) -> Result<(), String> {
    let mut client = FhirClient::new(base_url);
    let token = client.authorize(APP_SCOPES)?;
    let member = token
        .patient
        .clone()
        .ok_or("the token response has no patient in context")?;
    let io = |error: std::io::Error| format!("failed to write the report: {error}");
    writeln!(out, "Token granted for Patient/{member}: {}", token.scope).map_err(io)?;

    let pages = client.search_all_pages(&format!(
        "/ExplanationOfBenefit?patient=Patient/{member}&_include=ExplanationOfBenefit:provider&_sort=-created&_count={PAGE_SIZE}"
    ))?;
    write_claims(&pages, out).map_err(io)?;

    let roles = in_network_roles(&client, zip)?;
    writeln!(out).map_err(io)?;
    writeln!(
        out,
        "In-network practitioners with a location in ZIP {zip} ({} found):",
        roles.len()
    )
    .map_err(io)?;
    for role in roles {
        writeln!(
            out,
            "  {:<28} {:<30} {} ({})",
            role.practitioner, role.specialty, role.location, role.network
        )
        .map_err(io)?;
    }
    Ok(())
}

fn write_claims(pages: &[Bundle], out: &mut dyn Write) -> std::io::Result<()> {
    let mut claims = Vec::new();
    let mut providers: HashMap<String, String> = HashMap::new();
    for page in pages {
        for entry in &page.entry {
            let mode = entry
                .search
                .as_ref()
                .and_then(|search| search.mode.as_ref()?.value().copied());
            match (&entry.resource, mode) {
                (Some(Resource::ExplanationOfBenefit(claim)), Some(SearchEntryMode::Match)) => {
                    claims.push(claim)
                }
                (Some(resource), Some(SearchEntryMode::Include)) => {
                    let key = format!(
                        "{}/{}",
                        resource.resource_type(),
                        resource.id().map_or("", |id| id.as_str())
                    );
                    providers.insert(key, display_name(resource));
                }
                _ => {}
            }
        }
    }

    writeln!(
        out,
        "Claims ({} on {} pages of up to {PAGE_SIZE}):",
        claims.len(),
        pages.len()
    )?;
    writeln!(
        out,
        "  {:<32} {:<14} {:<30} {:>10} {:>10} {:>10} {:>10}",
        "claim", "type", "provider", "billed", "allowed", "plan paid", "you owe"
    )?;
    for claim in claims {
        let fit = fit_profile(claim);
        let shares = match &fit {
            Ok(typed) => typed.cost_sharing(),
            Err(_) => base_cost_sharing(claim),
        };
        let provider = claim
            .provider
            .as_ref()
            .map(|reference| provider_name(reference, &providers))
            .unwrap_or_default();
        let claim_type = claim
            .r#type
            .as_ref()
            .and_then(|concept| concept.coding.first())
            .and_then(|coding| coding.code.as_ref()?.value())
            .map_or("", |code| code.as_str());
        writeln!(
            out,
            "  {:<32} {:<14} {:<30} {:>10} {:>10} {:>10} {:>10}",
            claim.id.as_ref().map_or("", |id| id.as_str()),
            claim_type,
            shorten(&provider, 30),
            money(shares.billed),
            money(shares.allowed),
            money(shares.plan_paid),
            money(shares.member_owes),
        )?;
        if let Err(misfit) = fit {
            writeln!(
                out,
                "    fits no CARIN BB 2.0.0 EOB profile ({} violations of {}), amounts read from the base resource",
                misfit.violations, misfit.profile
            )?;
        }
    }
    Ok(())
}

fn provider_name(reference: &Reference, included: &HashMap<String, String>) -> String {
    let key = text(&reference.reference).unwrap_or_default();
    included
        .get(&key)
        .cloned()
        .or_else(|| text(&reference.display))
        .unwrap_or(key)
}

/// One in-network PractitionerRole at a location in the ZIP code.
pub struct DirectoryRole {
    /// The practitioner's name.
    pub practitioner: String,
    /// The specialty or role.
    pub specialty: String,
    /// The location's name and address.
    pub location: String,
    /// The network's name.
    pub network: String,
}

/// Finds the PractitionerRoles at a Location whose ZIP code starts with
/// `zip` and that name a Plan Net network. The directory needs no token,
/// and this uses a client without one.
///
/// # Errors
///
/// Returns a message for the first request that fails.
pub fn in_network_roles(client: &FhirClient, zip: &str) -> Result<Vec<DirectoryRole>, String> {
    let public = FhirClient::new(&client.base_url);
    let pages = public.search_all_pages(&format!(
        "/PractitionerRole?location.address-postalcode={zip}&_include=PractitionerRole:practitioner&_include=PractitionerRole:location&_count=50"
    ))?;
    let mut included: HashMap<String, Resource> = HashMap::new();
    let mut roles = Vec::new();
    for page in &pages {
        for entry in &page.entry {
            match &entry.resource {
                Some(Resource::PractitionerRole(role)) => roles.push(role.clone()),
                Some(resource) => {
                    let key = format!(
                        "{}/{}",
                        resource.resource_type(),
                        resource.id().map_or("", |id| id.as_str())
                    );
                    included.insert(key, resource.clone());
                }
                None => {}
            }
        }
    }

    let mut networks: HashMap<String, String> = HashMap::new();
    let mut found = Vec::new();
    for role in roles {
        let network_reference = role.extension.iter().find_map(|extension| {
            if extension.url.as_ref().map(|url| url.as_str()) != Some(NETWORK_EXTENSION) {
                return None;
            }
            match &extension.value {
                Some(ExtensionValue::Reference(reference)) => text(&reference.reference),
                _ => None,
            }
        });
        let Some(network_reference) = network_reference else {
            continue;
        };
        if !networks.contains_key(&network_reference) {
            let name = match public.get_resource(&format!("/{network_reference}")) {
                Ok(resource) => display_name(&resource),
                Err(_) => network_reference.clone(),
            };
            networks.insert(network_reference.clone(), name);
        }
        let lookup = |reference: Option<&Reference>| {
            reference
                .and_then(|reference| text(&reference.reference))
                .and_then(|key| included.get(&key))
                .map(display_name)
                .unwrap_or_else(|| "-".to_owned())
        };
        let specialty = role
            .specialty
            .iter()
            .chain(role.code.iter())
            .find_map(concept_text)
            .unwrap_or_else(|| "-".to_owned());
        found.push(DirectoryRole {
            practitioner: lookup(role.practitioner.as_ref()),
            specialty,
            location: lookup(role.location.first()),
            network: networks[&network_reference].clone(),
        });
    }
    Ok(found)
}

/// Returns a short human-readable name of a directory or claim resource.
fn display_name(resource: &Resource) -> String {
    let name = match resource {
        Resource::Practitioner(practitioner) => practitioner.name.first().map(human_name),
        Resource::Organization(organization) => text(&organization.name),
        Resource::Location(location) => {
            let address = location.address.as_ref().map(|address| {
                let parts: Vec<String> = address
                    .line
                    .iter()
                    .filter_map(|line| line.value().cloned())
                    .chain(text(&address.city))
                    .chain(text(&address.postal_code))
                    .collect();
                parts.join(", ")
            });
            match (text(&location.name), address) {
                (Some(name), Some(address)) => Some(format!("{name}, {address}")),
                (name, address) => name.or(address),
            }
        }
        _ => None,
    };
    name.unwrap_or_else(|| resource.id().map_or("-", |id| id.as_str()).to_owned())
}

fn human_name(name: &HumanName) -> String {
    if let Some(text) = text(&name.text) {
        return text;
    }
    let parts: Vec<String> = name
        .prefix
        .iter()
        .chain(name.given.iter())
        .filter_map(|part| part.value().cloned())
        .chain(text(&name.family))
        .collect();
    parts.join(" ")
}

fn concept_text(concept: &CodeableConcept) -> Option<String> {
    text(&concept.text).or_else(|| {
        concept
            .coding
            .iter()
            .find_map(|coding| text(&coding.display))
    })
}

fn text<T: ToString>(value: &Option<fhir_payer::primitives::Primitive<T>>) -> Option<String> {
    value.as_ref()?.value().map(ToString::to_string)
}

fn money(amount: Option<Decimal>) -> String {
    amount.map_or_else(|| "-".to_owned(), |amount| format!("{:.2}", amount))
}

fn shorten(value: &str, width: usize) -> String {
    if value.chars().count() <= width {
        value.to_owned()
    } else {
        let kept: String = value.chars().take(width - 1).collect();
        format!("{kept}…")
    }
}
