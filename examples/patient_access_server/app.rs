//! The Patient Access and Provider Directory server of the
//! `patient_access_server` example: routes, shared state and start-up.
//!
//! `tests/server.rs` includes this module with `#[path]`, so it must not
//! depend on the example's `main`.

pub mod auth;
pub mod capability;
pub mod outcome;
pub mod search;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use fhir_payer::r4::{Resource, ResourceType};
use fhir_payer::search::projection::{Projection, project};
use fhir_payer::search::query::{Handling, SearchOptions, Summary};
use fhir_payer::smart::token::TokenResponse;
use fhir_payer::smart::{Request, ResourceAccess};
use tokio::net::TcpListener;
use url::form_urlencoded;

use auth::{DEMO_GRANT_TYPE, TokenRegistry};
use outcome::{ApiError, fhir_response};
use search::{MAX_COUNT, SearchRequest};
use store::Store;

/// The CARIN BB example Patient whose data the demo token endpoint grants
/// access to by default.
pub const DEFAULT_MEMBER: &str = "Patient1";

/// The server's shared state.
pub struct AppState {
    store: Arc<Store>,
    tokens: TokenRegistry,
    base_url: String,
    member: String,
    capability: Resource,
}

/// A server bound to a loopback port.
pub struct Server {
    /// The base URL (`http://127.0.0.1:PORT`), which is also the FHIR base.
    pub base_url: String,
    router: Router,
    listener: TcpListener,
}

impl Server {
    /// Binds `address` and prepares the routes over `store`. The demo
    /// token endpoint issues tokens for the patient `member`.
    ///
    /// # Errors
    ///
    /// Returns a message when the address cannot be bound or the
    /// CapabilityStatement cannot be built.
    pub async fn bind(
        address: SocketAddr,
        store: Arc<Store>,
        member: &str,
    ) -> Result<Server, String> {
        let listener = TcpListener::bind(address)
            .await
            .map_err(|error| format!("failed to bind {address}: {error}"))?;
        let address = listener
            .local_addr()
            .map_err(|error| format!("failed to read the bound address: {error}"))?;
        let base_url = format!("http://{address}");
        let capability = capability::capability_statement(&base_url)?;
        let state = Arc::new(AppState {
            store,
            tokens: TokenRegistry::default(),
            base_url: base_url.clone(),
            member: member.to_owned(),
            capability,
        });
        Ok(Server {
            base_url,
            router: router(state),
            listener,
        })
    }

    /// Serves requests until the process ends.
    ///
    /// # Errors
    ///
    /// Returns the I/O error that stopped the server.
    pub async fn serve(self) -> std::io::Result<()> {
        eprintln!("info: serving FHIR R4 at {}", self.base_url);
        axum::serve(self.listener, self.router).await
    }
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/metadata", get(metadata))
        .route("/.well-known/smart-configuration", get(smart_configuration))
        .route("/token", post(token))
        .route("/{resource_type}", get(search_get))
        .route("/{resource_type}/_search", post(search_post))
        .route("/{resource_type}/{id}", get(read))
        .with_state(state)
}

async fn metadata(State(state): State<Arc<AppState>>) -> Response {
    fhir_response(StatusCode::OK, &state.capability)
}

async fn smart_configuration(State(state): State<Arc<AppState>>) -> Response {
    let document = capability::smart_configuration(&state.base_url);
    (StatusCode::OK, axum::Json(document)).into_response()
}

/// `POST /token`: a demo stand-in for an authorization server. It accepts
/// the extension grant [`DEMO_GRANT_TYPE`] with a `scope`, performs no
/// client or user authentication, and issues an opaque bearer token for the
/// configured member with the requested `patient/` scopes.
async fn token(State(state): State<Arc<AppState>>, body: String) -> Response {
    let mut grant_type = None;
    let mut scope = None;
    for (name, value) in form_urlencoded::parse(body.as_bytes()) {
        match name.as_ref() {
            "grant_type" => grant_type = Some(value.into_owned()),
            "scope" => scope = Some(value.into_owned()),
            _ => {}
        }
    }
    if grant_type.as_deref() != Some(DEMO_GRANT_TYPE) {
        return oauth_error(
            "unsupported_grant_type",
            &format!("grant_type must be {DEMO_GRANT_TYPE}; this demo has no other grant"),
        );
    }
    let Some(scope) = scope.filter(|scope| !scope.is_empty()) else {
        return oauth_error("invalid_request", "missing scope parameter");
    };
    match state.tokens.issue(&state.member, &scope) {
        Ok((access_token, granted)) => {
            let mut response = TokenResponse::bearer(&access_token, &granted);
            response.patient = Some(state.member.clone());
            response.expires_in = None;
            (
                StatusCode::OK,
                [(header::CACHE_CONTROL, "no-store")],
                axum::Json(response),
            )
                .into_response()
        }
        Err(error) => oauth_error(error.error, &error.description),
    }
}

fn oauth_error(error: &str, description: &str) -> Response {
    eprintln!("info: POST /token returned 400 {error}: {description}");
    let body = serde_json::json!({ "error": error, "error_description": description });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

async fn search_get(
    State(state): State<Arc<AppState>>,
    Path(resource_type): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = query.unwrap_or_default();
    let request = format!("GET /{resource_type}?{query}");
    respond(
        &request,
        search_response(&state, &resource_type, &query, &headers),
    )
}

async fn search_post(
    State(state): State<Arc<AppState>>,
    Path(resource_type): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: String,
) -> Response {
    let content_type = header_text(&headers, header::CONTENT_TYPE.as_str()).unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        return ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            fhir_payer::r4::IssueType::NotSupported,
            &format!(
                "unsupported Content-Type `{content_type}` for _search: send \
                 application/x-www-form-urlencoded"
            ),
        )
        .into_response();
    }
    let joined = match query.filter(|query| !query.is_empty()) {
        Some(query) => format!("{query}&{body}"),
        None => body,
    };
    let request = format!("POST /{resource_type}/_search {joined}");
    respond(
        &request,
        search_response(&state, &resource_type, &joined, &headers),
    )
}

fn search_response(
    state: &AppState,
    type_name: &str,
    query: &str,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let resource_type = served_type(type_name)?;
    let caller = state.tokens.caller(header_text(headers, "authorization"))?;
    let handling = header_text(headers, "prefer")
        .and_then(Handling::from_prefer_header)
        .unwrap_or_default();
    let options = SearchOptions::new()
        .with_base_url(&state.base_url)
        .with_handling(handling)
        .with_max_count(MAX_COUNT);
    let request = SearchRequest {
        resource_type,
        query,
        options: &options,
        base_url: &state.base_url,
    };
    let bundle = search::run(&state.store, &caller, &request)?;
    Ok(fhir_response(
        StatusCode::OK,
        &Resource::Bundle(Box::new(bundle)),
    ))
}

async fn read(
    State(state): State<Arc<AppState>>,
    Path((resource_type, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let request = format!("GET /{resource_type}/{id}");
    let query = query.unwrap_or_default();
    respond(
        &request,
        read_response(&state, &resource_type, &id, &query, &headers),
    )
}

/// Reads one resource. A member resource outside the caller's compartment
/// or scope restrictions gets 404, as if it did not exist, so that a
/// member cannot probe for the ids of other members' data.
fn read_response(
    state: &AppState,
    type_name: &str,
    id: &str,
    query: &str,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let resource_type = served_type(type_name)?;
    let projection = read_projection(query)?;
    let caller = state.tokens.caller(header_text(headers, "authorization"))?;
    auth::authorize_request(
        &caller,
        resource_type,
        &Request::Read {
            resource_type,
            id: id.to_owned(),
        },
    )?;
    let not_found = || ApiError::not_found(&format!("{resource_type}/{id} is not found"));
    let resource = state.store.get(resource_type, id).ok_or_else(not_found)?;
    if !auth::allows_resource(&caller, resource, ResourceAccess::Read) {
        return Err(not_found());
    }
    if projection.is_full() {
        return Ok(fhir_response(StatusCode::OK, resource));
    }
    let projected = project(resource.clone(), &projection)
        .map_err(|error| ApiError::internal(&error.to_string()))?;
    Ok(fhir_response(StatusCode::OK, &projected))
}

/// Reads `_summary` and `_elements` from the query of a read. `_format` and
/// `_pretty` are accepted and have no effect; any other parameter is a 400,
/// because a read takes no search criteria.
fn read_projection(query: &str) -> Result<Projection, ApiError> {
    let mut summary = None;
    let mut elements = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "_summary" => {
                summary = match Summary::parse(&value) {
                    Some(Summary::Count) | None => {
                        return Err(ApiError::bad_request(&format!(
                            "invalid _summary `{value}` for a read: expected true, text, data or false"
                        )));
                    }
                    found => found,
                };
            }
            "_elements" => elements.extend(
                value
                    .split(',')
                    .filter(|element| !element.is_empty())
                    .map(str::to_owned),
            ),
            "_format" | "_pretty" => {}
            other => {
                return Err(ApiError::bad_request(&format!(
                    "unknown parameter `{other}` for a read: expected only _summary, _elements, _format or _pretty"
                )));
            }
        }
    }
    Ok(Projection::from_parts(summary, &elements))
}

fn served_type(type_name: &str) -> Result<ResourceType, ApiError> {
    ResourceType::from_name(type_name)
        .filter(|resource_type| auth::is_served(*resource_type))
        .ok_or_else(|| {
            ApiError::not_found(&format!(
                "resource type `{type_name}` is not served here; GET /metadata lists the served types"
            ))
        })
}

fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// Turns a handler result into a response, and logs each error response
/// with the request it answers.
fn respond(request: &str, result: Result<Response, ApiError>) -> Response {
    match result {
        Ok(response) => response,
        Err(error) => {
            let message = error
                .outcome
                .issue
                .first()
                .and_then(|issue| issue.diagnostics.as_ref())
                .and_then(|text| text.value().cloned())
                .unwrap_or_default();
            let level = match error.status.is_server_error() {
                true => "error",
                false => "info",
            };
            eprintln!("{level}: {request} returned {}: {message}", error.status);
            error.into_response()
        }
    }
}
