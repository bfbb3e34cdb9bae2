// The only translation unit that includes Boost.Beast (it is the slow one to compile).
//
// Shape: one io_context run by `threads` threads; the acceptor and each session run on their own
// strand, so a session's handlers never run concurrently. A session is a template over its stream:
// beast::tcp_stream for plain HTTP, beast::ssl_stream over it for HTTPS (handshake first). A session reads one request at a time
// (at most one response in flight: the bounded queue is of length one), calls the handler
// synchronously on its strand, writes the response, then reads the next request.
#include "api/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <sys/stat.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/dispatch.h"
#include "core/assert.h"
#include "core/limits.h"

namespace ektp::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;

// Open connections at once; past this a new connection is closed at once.
constexpr std::size_t connections_max = 10'000;
// After an error response on a connection we will close (413, 400), keep reading and discarding
// what the client is still sending for a while, so that closing does not reset the connection
// before the client has read the response ("lingering close", as nginx does).
constexpr std::chrono::milliseconds linger_duration{2'000};
constexpr std::size_t linger_bytes_max = 128 << 20;
// stop() waits this long for in-flight requests before it stops the threads regardless.
constexpr std::chrono::milliseconds drain_duration{10'000};
constexpr std::chrono::milliseconds accept_retry_delay{50};

static_assert(limits::request_timeout_ms > 0);
static_assert(limits::request_header_bytes_max > 0);

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
// TLS 1.2 suites (TLS 1.3 has only AEAD suites): forward secret, AEAD only.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// What the server keeps of a session: a way to close it at stop(), and to send an answer it
// held back (HttpResponse::gate).
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void shutdown() = 0;
  // Any thread: posts onto the session's strand. `answer` replaces the held one when given.
  virtual void released(Status status, std::optional<HttpResponse> answer) = 0;
};

// The sessions whose answer waits for its gate (an audit commit). The gate's release may come on
// another thread, even after stop(): it reaches the session only through here, and once the server
// has stopped, not at all (close()), so nothing is posted to an io_context that is gone.
class HeldAnswers {
 public:
  void keep(SessionBase* key, std::shared_ptr<SessionBase> session) {
    std::lock_guard lock(mutex_);
    held_.emplace(key, std::move(session));
  }
  void release(SessionBase* key, Status status, std::optional<HttpResponse> answer = std::nullopt) {
    std::lock_guard lock(mutex_);  // held while posting, so close() cannot pass in between
    if (!open_) return;
    auto it = held_.find(key);
    if (it == held_.end()) return;
    std::shared_ptr<SessionBase> session = std::move(it->second);
    held_.erase(it);
    session->released(std::move(status), std::move(answer));
  }
  // Once no worker runs: drops the sessions still waiting (their answers are not sent).
  void close() {
    std::unordered_map<SessionBase*, std::shared_ptr<SessionBase>> dropped;
    {
      std::lock_guard lock(mutex_);
      open_ = false;
      dropped.swap(held_);
    }
    if (!dropped.empty()) spdlog::warn("HTTP server stopped with {} answers still held back", dropped.size());
  }

 private:
  std::mutex mutex_;
  bool open_ = true;                                                    // guarded by mutex_
  std::unordered_map<SessionBase*, std::shared_ptr<SessionBase>> held_;  // guarded by mutex_
};

bool is_upload_target(std::string_view target) {
  return target.starts_with("/api/v1/sync/") || target.starts_with("/api/v1/station/") ||
         target.starts_with("/api/v1/agency/bulk-matches/");  // a piece of an agency's file
}

// The parts of a request the handlers see, from its header (the body is added later).
template <class Fields>
HttpRequest request_of_header(const http::request_header<Fields>& message, const std::string& client_address) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.content_type = std::string(message[http::field::content_type]);
  request.authorization = std::string(message[http::field::authorization]);
  for (const auto& field : message) {
    const auto name = field.name_string();
    if (name.size() > 7 && beast::iequals(name.substr(0, 7), "x-ektp-")) {
      std::string key(name);
      for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace(std::move(key), std::string(field.value()));
    }
  }
  request.client_address = client_address;
  return request;
}

// Framing a server must not guess at (request smuggling): 400 and close.
template <class Fields>
std::optional<std::string> framing_problem(const http::request_header<Fields>& message) {
  if (message.version() >= 11 && message.count(http::field::host) != 1) {
    return std::string("an HTTP/1.1 request needs exactly one Host header");
  }
  const auto encodings = message.count(http::field::transfer_encoding);
  if (encodings > 1) return std::string("more than one Transfer-Encoding header");
  if (encodings == 1) {
    if (!beast::iequals(message[http::field::transfer_encoding], "chunked")) {
      return fmt::format("Transfer-Encoding '{}' is not supported (only chunked)",
                         std::string_view(message[http::field::transfer_encoding]).substr(0, 40));
    }
    if (message.count(http::field::content_length) != 0) {
      return std::string("both Transfer-Encoding and Content-Length");
    }
  }
  if (message.count(http::field::content_length) > 1) return std::string("more than one Content-Length header");
  return std::nullopt;
}

// Everything the sessions share with the server. Declared before `io` so it outlives handlers
// that the io_context destroys in its destructor.
struct ServerCore {
  ServerCore(HttpServerOptions options_in, std::shared_ptr<const Router> router_in)
      : options(std::move(options_in)),
        router(std::move(router_in)),
        body_bytes_max(options.body_bytes_max != 0 ? options.body_bytes_max
                                                   : limits::request_body_bytes_max),
        connections_per_address_max(options.connections_per_address_max != 0
                                        ? options.connections_per_address_max
                                        : limits::connections_per_address_max),
        dispatcher(router, options.web_root,
                   options.rate_limit_requests_per_s != 0 ? options.rate_limit_requests_per_s
                                                          : limits::rate_limit_requests_per_s) {}

  // Registers a session so stop() can close it; false once the server is stopping, or when the
  // server or this client address has as many connections open as it may.
  bool remember(SessionBase* session, std::weak_ptr<SessionBase> weak, const std::string& address) {
    std::lock_guard lock(sessions_mutex);
    if (stopping || sessions.size() >= connections_max) return false;
    std::size_t& open = open_per_address[address];
    if (open >= connections_per_address_max) {
      if (open == 0) open_per_address.erase(address);
      return false;
    }
    open += 1;
    sessions.emplace(session, std::move(weak));
    return true;
  }
  void forget(SessionBase* session, const std::string& address) {
    std::lock_guard lock(sessions_mutex);
    if (sessions.erase(session) == 0) return;
    if (auto it = open_per_address.find(address); it != open_per_address.end() && --it->second == 0) {
      open_per_address.erase(it);
    }
    if (sessions.empty()) sessions_drained.notify_all();
  }

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  const HttpServerOptions options;
  const std::shared_ptr<const Router> router;
  const std::size_t body_bytes_max;
  const std::size_t connections_per_address_max;
  const detail::Dispatcher dispatcher;
  std::optional<ssl::context> tls;  // set by start() when serving HTTPS
  const std::shared_ptr<HeldAnswers> held = std::make_shared<HeldAnswers>();

  std::mutex sessions_mutex;
  std::condition_variable sessions_drained;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;  // guarded by sessions_mutex
  std::unordered_map<std::string, std::size_t> open_per_address;          // guarded by sessions_mutex
  bool stopping = false;                                           // guarded by sessions_mutex

  std::mutex lifecycle_mutex;  // start() and stop()
  bool started = false;
  bool stopped = false;
  std::uint16_t bound_port = 0;

  std::mutex signal_mutex;
  std::condition_variable signal_cv;
  bool stop_requested = false;  // guarded by signal_mutex

  asio::io_context io;
  tcp::acceptor acceptor{asio::make_strand(io)};
  asio::steady_timer accept_retry_timer{acceptor.get_executor()};
  std::optional<asio::signal_set> signals;
  std::vector<std::thread> threads;
};

// One connection: [handshake →] do_read → on_read (handler runs here) → do_write → on_write → do_read …
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  template <class... StreamArgs>
  Session(tcp::socket&& socket, ServerCore& server, StreamArgs&... stream_args)
      : stream_(std::move(socket), stream_args...), server_(server) {
    beast::error_code ec;
    const tcp::endpoint peer = lowest().socket().remote_endpoint(ec);
    if (!ec) client_address_ = peer.address().to_string();
  }
  ~Session() override { server_.forget(this, client_address_); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void run() {
    if (!server_.remember(this, this->weak_from_this(), client_address_)) {
      spdlog::debug("{}: too many connections, closing", client_address_);
      return;  // stopping or full: close now
    }
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->lowest().expires_after(std::chrono::milliseconds(limits::tls_handshake_timeout_ms));
        self->stream_.async_handshake(ssl::stream_base::server,
                                      beast::bind_front_handler(&Session::on_handshake, self));
      } else {
        self->do_read();
      }
    });
  }

  // From stop(): closes an idle connection now and a busy one once its response is written.
  void shutdown() override {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      self->closing_ = true;
      if (!self->writing_) {
        beast::error_code ec;
        self->lowest().socket().close(ec);
      }
    });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void on_handshake(beast::error_code ec) {
    if (ec) {
      // Plain HTTP to the HTTPS port, an old protocol version, a client that does not trust us.
      spdlog::debug("{}: TLS handshake failed: {}", client_address_, ec.message());
      return;
    }
    do_read();
  }

  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits::request_header_bytes_max));
    // Large until the target and the caller are known (on_read_header narrows it).
    parser_->body_limit(std::max<std::uint64_t>(server_.body_bytes_max, limits::sync_batch_bytes_max));
    lowest().expires_after(std::chrono::milliseconds(limits::request_timeout_ms));
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::on_read_header, this->shared_from_this()));
  }

  // The header is in: limits on it and on a declared Content-Length are already checked.
  void on_read_header(beast::error_code ec, std::size_t bytes) {
    if (ec) return on_read(ec, bytes);
    const auto& header = parser_->get();
    if (auto problem = framing_problem(header.base())) {
      spdlog::warn("{}: malformed request: {}", client_address_, *problem);
      return do_write(error_response(400, "invalid_argument", "malformed HTTP request: " + *problem), false,
                      false, true);
    }
    if (parser_->is_done()) return on_read(ec, bytes);
    // Only uploads that carry images (station sync batches, enrollments, capture checks) get the
    // larger limit, and only from a caller already known by the headers; everything else the
    // server's limit.
    const auto target = header.target();
    const auto declared = parser_->content_length();
    const bool large = !declared || *declared > server_.body_bytes_max;
    if (is_upload_target(target) && large) {
      if (!upload_allowed(header.base())) {
        spdlog::warn("{}: upload to {} before authentication, refused", client_address_, std::string_view(target));
        return do_write(error_response(401, "unauthenticated",
                                       "log in (or sign the station request) before sending a large body"),
                        false, false, true);
      }
    } else {
      if (declared && *declared > server_.body_bytes_max) return on_read(http::error::body_limit, 0);
      parser_->body_limit(server_.body_bytes_max);
    }
    // curl and others wait for "100 Continue" before sending a large body.
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      return do_continue();
    }
    do_read_body();
  }

  template <class Fields>
  bool upload_allowed(const http::request_header<Fields>& header) const {
    HttpRequest request = request_of_header(header, client_address_);
    if (server_.options.upload_gate) return server_.options.upload_gate(request);
    return request.authorization.starts_with("Bearer ") ||
           (request.headers.contains("x-ektp-station") && request.headers.contains("x-ektp-signature"));
  }

  // A fixed interim response; written raw, which spares the TU a second Beast serializer.
  void do_continue() {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      beast::bind_front_handler(&Session::on_continue, this->shared_from_this()));
  }
  void on_continue(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) {
      spdlog::debug("{}: writing 100 Continue failed: {}", client_address_, ec.message());
      return;
    }
    do_read_body();
  }

  // The expiry set in do_read still runs: header and body together get request_timeout_ms.
  void do_read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted) return;
    if (ec == beast::error::timeout) {
      spdlog::debug("{}: read timed out, closing", client_address_);
      return;  // tcp_stream has closed the socket
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      spdlog::warn("{}: request too large ({}), answering 413", client_address_, ec.message());
      const std::string what = ec == http::error::body_limit
                                   ? fmt::format("request body is over the limit of {} bytes",
                                                 server_.body_bytes_max)
                                   : fmt::format("request header is over the limit of {} bytes",
                                                 limits::request_header_bytes_max);
      return do_write(error_response(413, "payload_too_large", what), false, false, true);
    }
    if (ec == http::error::partial_message) return;  // the client went away mid-request
    if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
      spdlog::warn("{}: malformed request: {}", client_address_, ec.message());
      return do_write(error_response(400, "invalid_argument",
                                     "malformed HTTP request: " + ec.message()),
                      false, false, true);
    }
    if (ec) {
      spdlog::debug("{}: read failed: {}", client_address_, ec.message());
      return;
    }
    handle(parser_->release());
  }

  // The session's one top-level catch: a handler that throws gets a logged 500.
  // The client a trusted proxy forwards for (the last X-Forwarded-For address), else the peer.
  std::string client_of(const http::request<http::string_body>& message) const {
    const auto& proxies = server_.options.trusted_proxies;
    if (proxies.empty() || std::find(proxies.begin(), proxies.end(), client_address_) == proxies.end()) {
      return client_address_;
    }
    std::string_view forwarded = message["X-Forwarded-For"];
    if (auto comma = forwarded.rfind(','); comma != std::string_view::npos) forwarded.remove_prefix(comma + 1);
    while (!forwarded.empty() && forwarded.front() == ' ') forwarded.remove_prefix(1);
    beast::error_code ec;
    const auto address = asio::ip::make_address(std::string(forwarded.substr(0, 64)), ec);
    return ec ? client_address_ : address.to_string();
  }

  void handle(http::request<http::string_body> message) {
    const auto started = std::chrono::steady_clock::now();
    HttpRequest request = request_of_header(message.base(), client_of(message));
    request.body = std::move(message.body());
    version_ = message.version();
    HttpResponse response;
    try {
      response = server_.dispatcher.respond(request);
    } catch (const std::exception& e) {
      spdlog::warn("{} {}: handler threw: {}", request.method, request.target, e.what());
      response = error_response(500, "internal", "internal server error");
    } catch (...) {
      spdlog::warn("{} {}: handler threw a non-std exception", request.method, request.target);
      response = error_response(500, "internal", "internal server error");
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    spdlog::debug("{} {} {} {} {}us", client_address_, request.method, request.target,
                  response.status,
                  std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
    if (Status valid = detail::check_response(response); !valid) {
      spdlog::warn("{} {}: bad response from handler: {}", request.method, request.target,
                   valid.error().message);
      response = error_response(500, "internal", "internal server error");
    }
    const bool keep_alive = message.keep_alive() && !closing_;
    const bool head = message.method() == http::verb::head;
    if (response.gate) return hold(std::move(response), keep_alive, head);
    do_write(std::move(response), keep_alive, head, false);
  }

  // The answer waits for its gate; the session reads nothing more meanwhile, and stop() lets the
  // answer go out before it closes the connection (as for a write in progress).
  void hold(HttpResponse response, bool keep_alive, bool head) {
    ResponseGate gate = std::move(response.gate);
    response.gate = nullptr;
    held_ = std::move(response);
    // No operation of the session is pending meanwhile: without this the threads' run() could
    // return (after stop() has closed the acceptor) before the release is posted.
    held_work_.emplace(stream_.get_executor());
    held_keep_alive_ = keep_alive;
    held_head_ = head;
    writing_ = true;
    server_.held->keep(this, this->shared_from_this());
    ResponseRelease release([board = server_.held, key = static_cast<SessionBase*>(this)](
                                Status status, std::optional<HttpResponse> answer) {
      board->release(key, std::move(status), std::move(answer));
    });
    try {
      gate(std::move(release));
    } catch (const std::exception& e) {
      spdlog::warn("{}: response gate threw: {}", client_address_, e.what());
      server_.held->release(this, make_error(ErrorCode::kInternal, "internal server error"));
    }
  }

  void released(Status status, std::optional<HttpResponse> answer) override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), status = std::move(status),
                                        answer = std::move(answer)]() mutable {
      HttpResponse response = answer ? std::move(*answer) : std::move(self->held_);
      self->held_ = {};
      self->held_work_.reset();
      if (!status) {
        spdlog::warn("{}: held answer not sent: {}", self->client_address_, status.error().message);
        response = error_response(status.error());
      }
      self->do_write(std::move(response), self->held_keep_alive_, self->held_head_, false);
    });
  }

  void do_write(HttpResponse response, bool keep_alive, bool head, bool linger) {
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::server, "ektp");
    response_.set(http::field::content_type, response.content_type);
    response_.set("X-Content-Type-Options", "nosniff");
    response_.set("X-Frame-Options", "DENY");
    response_.set("Referrer-Policy", "no-referrer");
    if (kTls) response_.set("Strict-Transport-Security", "max-age=31536000");
    if (response.content_type.starts_with("text/html")) {
      response_.set("Content-Security-Policy", kContentSecurityPolicy);
    }
    // Answers of the API carry personal data: never kept by a browser or a proxy.
    bool cache_set = false;
    for (const auto& [name, value] : response.headers) {
      response_.set(name, value);
      cache_set = cache_set || beast::iequals(name, "cache-control");
    }
    if (!cache_set) response_.set(http::field::cache_control, "no-store");
    response_.keep_alive(keep_alive);
    if (head) {
      response_.content_length(response.body.size());  // HEAD: the length, not the body
    } else {
      response_.body() = std::move(response.body);
      response_.prepare_payload();
    }
    writing_ = true;
    lowest().expires_after(std::chrono::milliseconds(limits::request_timeout_ms));
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::on_write, this->shared_from_this(),
                                                keep_alive, linger));
  }

  void on_write(bool keep_alive, bool linger, beast::error_code ec, std::size_t /*bytes*/) {
    writing_ = false;
    if (ec) {
      spdlog::debug("{}: write failed: {}", client_address_, ec.message());
      return;
    }
    if (linger && !closing_) return start_linger();
    if (!keep_alive || closing_) return do_close();
    do_read();
  }

  void do_close() {
    if constexpr (kTls) {
      // close_notify, then the socket goes with the session.
      lowest().expires_after(std::chrono::milliseconds(limits::tls_handshake_timeout_ms));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      });
    } else {
      beast::error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  void start_linger() {
    if constexpr (kTls) {
      return do_close();  // TLS: no reading after close_notify
    } else {
      do_close();
      lowest().expires_after(linger_duration);
      do_linger();
    }
  }
  void do_linger() {
    stream_.async_read_some(asio::buffer(drain_),
                            beast::bind_front_handler(&Session::on_linger, this->shared_from_this()));
  }
  void on_linger(beast::error_code ec, std::size_t bytes) {
    drained_bytes_ += bytes;
    if (ec || closing_ || drained_bytes_ > linger_bytes_max) return;
    do_linger();
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;  // alive while async_write runs
  ServerCore& server_;
  std::string client_address_;
  unsigned version_ = 11;
  bool writing_ = false;  // a response is being written, or held back by its gate
  bool closing_ = false;
  HttpResponse held_;  // the answer held back by its gate
  std::optional<asio::executor_work_guard<typename Stream::executor_type>> held_work_;
  bool held_keep_alive_ = false;
  bool held_head_ = false;
  std::array<char, 16 << 10> drain_{};
  std::size_t drained_bytes_ = 0;
};

using PlainSession = Session<beast::tcp_stream>;
using TlsSession = Session<beast::ssl_stream<beast::tcp_stream>>;

void ServerCore::do_accept() {
  acceptor.async_accept(asio::make_strand(io),
                        beast::bind_front_handler(&ServerCore::on_accept, this));
}

void ServerCore::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    // Out of file descriptors and the like: wait a moment rather than spin.
    spdlog::warn("accept failed: {}", ec.message());
    accept_retry_timer.expires_after(accept_retry_delay);
    accept_retry_timer.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) do_accept();
    });
    return;
  }
  // Responses go out in one write each; Nagle would only hold back pipelined ones.
  socket.set_option(tcp::no_delay(true), ec);
  if (tls) {
    std::make_shared<TlsSession>(std::move(socket), *this, *tls)->run();
  } else {
    std::make_shared<PlainSession>(std::move(socket), *this)->run();
  }
  do_accept();
}

void run_io(asio::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      // Handlers catch their own exceptions; this is a last line that keeps the thread alive.
      spdlog::error("HTTP worker caught an exception: {}", e.what());
    }
  }
}

// The server's TLS context: TLS 1.2+, AEAD suites, no compression, no renegotiation, no tickets
// (forward secrecy does not then depend on a ticket key living as long as the process).
Result<ssl::context> make_tls_context(const HttpServerOptions& options) {
  const auto fail = [](std::string what) { return make_error(ErrorCode::kInvalidArgument, std::move(what)); };
  struct stat info {};
  if (::stat(options.tls_private_key_file.c_str(), &info) != 0) {
    return fail(fmt::format("TLS key {} cannot be read", options.tls_private_key_file.string()));
  }
  if ((info.st_mode & 077) != 0) {
    return fail(fmt::format("TLS key {} is readable by others; chmod 600 it", options.tls_private_key_file.string()));
  }
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                      ssl::context::single_dh_use);
  SSL_CTX* native = context.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) return fail("no usable TLS 1.2 cipher suite");
  beast::error_code ec;
  context.use_certificate_chain_file(options.tls_certificate_file.string(), ec);
  if (ec) {
    return fail(fmt::format("TLS certificate {}: {}", options.tls_certificate_file.string(), ec.message()));
  }
  context.use_private_key_file(options.tls_private_key_file.string(), ssl::context::pem, ec);
  if (ec) return fail(fmt::format("TLS key {}: {}", options.tls_private_key_file.string(), ec.message()));
  if (SSL_CTX_check_private_key(native) != 1) return fail("the TLS key does not match the certificate");
  return context;
}

}  // namespace

struct HttpServer::Impl : ServerCore {
  using ServerCore::ServerCore;
};

HttpServer::HttpServer(HttpServerOptions options, std::shared_ptr<const Router> router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {
  EKTP_ASSERT(impl_->router != nullptr);
}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  ServerCore& core = *impl_;
  std::lock_guard lock(core.lifecycle_mutex);
  if (core.started || core.stopped) {
    return failed_precondition("the HTTP server can be started once");
  }
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(core.options.address, ec);
  if (ec) return invalid_argument(fmt::format("bad listen address '{}'", core.options.address));
  const bool want_tls = !core.options.tls_certificate_file.empty() || !core.options.tls_private_key_file.empty();
  if (want_tls) {
    if (core.options.tls_certificate_file.empty() || core.options.tls_private_key_file.empty()) {
      return invalid_argument("TLS needs both a certificate and a key");
    }
    auto context = make_tls_context(core.options);
    if (!context) return std::unexpected(context.error());
    core.tls.emplace(std::move(*context));
  } else if (!address.is_loopback() && !core.options.allow_plain_http_anywhere) {
    return invalid_argument(fmt::format(
        "refusing plain HTTP on {}: passwords and personal data would cross the network in clear; give a TLS "
        "certificate and key, or listen on 127.0.0.1",
        core.options.address));
  }
  const tcp::endpoint endpoint(address, core.options.port);
  const auto fail = [&](std::string_view step) {
    beast::error_code close_ec;
    core.acceptor.close(close_ec);
    return make_error(ErrorCode::kUnavailable,
                      fmt::format("cannot listen on {}:{}: {} failed: {}", core.options.address,
                                  core.options.port, step, ec.message()));
  };
  if (core.acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (core.acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return fail("setsockopt");
  }
  if (core.acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (core.acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return fail("listen");
  }
  core.bound_port = core.acceptor.local_endpoint(ec).port();
  core.started = true;
  core.do_accept();
  const int thread_count = std::max(1, core.options.threads);
  for (int i = 0; i < thread_count; ++i) core.threads.emplace_back(run_io, std::ref(core.io));
  spdlog::info("{} server listening on {}:{} with {} threads", core.tls ? "HTTPS" : "HTTP", core.options.address,
               core.bound_port, thread_count);
  if (!core.tls) {
    spdlog::warn("serving plain HTTP on {}: only for this machine (no TLS)", core.options.address);
  }
  return {};
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }
bool HttpServer::tls() const { return impl_->tls.has_value(); }

void HttpServer::stop() {
  ServerCore& core = *impl_;
  std::lock_guard lock(core.lifecycle_mutex);
  {
    std::lock_guard signal_lock(core.signal_mutex);
    core.stop_requested = true;
  }
  core.signal_cv.notify_all();
  if (core.stopped) return;
  core.stopped = true;
  if (!core.started) return;
  for (const std::thread& thread : core.threads) {
    EKTP_ASSERT(thread.get_id() != std::this_thread::get_id());  // not from a handler
  }

  // The acceptor lives on its strand; close it there, and wait so no connection is accepted
  // after stop() has begun (a worker busy for the whole drain time is the only way to miss it).
  std::promise<void> acceptor_closed;
  asio::post(core.acceptor.get_executor(), [&core, &acceptor_closed] {
    beast::error_code ec;
    core.acceptor.close(ec);
    core.accept_retry_timer.cancel();
    acceptor_closed.set_value();
  });
  acceptor_closed.get_future().wait_for(drain_duration);
  std::vector<std::weak_ptr<SessionBase>> open;
  {
    std::lock_guard sessions_lock(core.sessions_mutex);
    core.stopping = true;
    for (const auto& entry : core.sessions) open.push_back(entry.second);
  }
  for (const std::weak_ptr<SessionBase>& weak : open) {
    if (std::shared_ptr<SessionBase> session = weak.lock()) session->shutdown();
  }
  {
    std::unique_lock sessions_lock(core.sessions_mutex);
    if (!core.sessions_drained.wait_for(sessions_lock, drain_duration,
                                        [&core] { return core.sessions.empty(); })) {
      spdlog::warn("HTTP server stopping with {} connections still open",
                   core.sessions.size());
    }
  }
  core.io.stop();
  for (std::thread& thread : core.threads) thread.join();
  core.threads.clear();
  core.held->close();
  beast::error_code ec;
  core.acceptor.close(ec);  // no worker runs now; a no-op unless the posted close never ran
  core.signals.reset();
  spdlog::info("HTTP server on port {} stopped", core.bound_port);
}

void HttpServer::run_until_signal() {
  ServerCore& core = *impl_;
  {
    std::lock_guard lock(core.lifecycle_mutex);
    if (!core.started || core.stopped) return;
    core.signals.emplace(core.io, SIGINT, SIGTERM);
    core.signals->async_wait([&core](beast::error_code ec, int signal_number) {
      if (ec) return;
      spdlog::info("received signal {}, stopping the HTTP server", signal_number);
      {
        std::lock_guard signal_lock(core.signal_mutex);
        core.stop_requested = true;
      }
      core.signal_cv.notify_all();
    });
  }
  {
    std::unique_lock signal_lock(core.signal_mutex);
    core.signal_cv.wait(signal_lock, [&core] { return core.stop_requested; });
  }
  stop();
}

}  // namespace ektp::api
