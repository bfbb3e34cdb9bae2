// The only translation unit that includes Boost.Beast (it is the slow one to compile).
//
// Shape: one io_context run by `threads` threads; the acceptor and each session run on their own
// strand, so a session's handlers never run concurrently. A session reads one request at a time
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
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
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
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'";

class Session;

// Everything the sessions share with the server. Declared before `io` so it outlives handlers
// that the io_context destroys in its destructor.
struct ServerCore {
  ServerCore(HttpServerOptions options_in, std::shared_ptr<const Router> router_in)
      : options(std::move(options_in)),
        router(std::move(router_in)),
        body_bytes_max(options.body_bytes_max != 0 ? options.body_bytes_max
                                                   : limits::request_body_bytes_max),
        dispatcher(router, options.web_root,
                   options.rate_limit_requests_per_s != 0 ? options.rate_limit_requests_per_s
                                                          : limits::rate_limit_requests_per_s) {}

  // Registers a session so stop() can close it; false once the server is stopping.
  bool remember(Session* session, std::weak_ptr<Session> weak) {
    std::lock_guard lock(sessions_mutex);
    if (stopping || sessions.size() >= connections_max) return false;
    sessions.emplace(session, std::move(weak));
    return true;
  }
  void forget(Session* session) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(session);
    if (sessions.empty()) sessions_drained.notify_all();
  }

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  const HttpServerOptions options;
  const std::shared_ptr<const Router> router;
  const std::size_t body_bytes_max;
  const detail::Dispatcher dispatcher;

  std::mutex sessions_mutex;
  std::condition_variable sessions_drained;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // guarded by sessions_mutex
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

// One connection: do_read → on_read (handler runs here) → do_write → on_write → do_read …
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerCore& server)
      : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) client_address_ = peer.address().to_string();
  }
  ~Session() { server_.forget(this); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void run() {
    if (!server_.remember(this, weak_from_this())) return;  // stopping or full: close now
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::do_read, shared_from_this()));
  }

  // From stop(): closes an idle connection now and a busy one once its response is written.
  void shutdown() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (!self->writing_) {
        beast::error_code ec;
        self->stream_.socket().close(ec);
      }
    });
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits::request_header_bytes_max));
    // Large until the target is known (on_read_header narrows it for everything but uploads).
    parser_->body_limit(std::max<std::uint64_t>(server_.body_bytes_max, limits::sync_batch_bytes_max));
    stream_.expires_after(std::chrono::milliseconds(limits::request_timeout_ms));
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::on_read_header, shared_from_this()));
  }

  // The header is in: limits on it and on a declared Content-Length are already checked.
  void on_read_header(beast::error_code ec, std::size_t bytes) {
    if (ec || parser_->is_done()) return on_read(ec, bytes);
    // Only uploads that carry images (station sync batches, enrollments, capture checks) get the
    // larger limit; everything else the server's.
    const auto target = parser_->get().target();
    if (!target.starts_with("/api/v1/sync/") && !target.starts_with("/api/v1/station/")) {
      const auto declared = parser_->content_length();
      if (declared && *declared > server_.body_bytes_max) return on_read(http::error::body_limit, 0);
      parser_->body_limit(server_.body_bytes_max);
    }
    // curl and others wait for "100 Continue" before sending a large body.
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      return do_continue();
    }
    do_read_body();
  }

  // A fixed interim response; written raw, which spares the TU a second Beast serializer.
  void do_continue() {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      beast::bind_front_handler(&Session::on_continue, shared_from_this()));
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
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
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
  void handle(http::request<http::string_body> message) {
    const auto started = std::chrono::steady_clock::now();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.body = std::move(message.body());
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
    request.client_address = client_address_;
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
    do_write(std::move(response), keep_alive, message.method() == http::verb::head, false);
  }

  void do_write(HttpResponse response, bool keep_alive, bool head, bool linger) {
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::server, "ektp");
    response_.set(http::field::content_type, response.content_type);
    response_.set("X-Content-Type-Options", "nosniff");
    if (response.content_type.starts_with("text/html")) {
      response_.set("Content-Security-Policy", kContentSecurityPolicy);
    }
    for (const auto& [name, value] : response.headers) response_.set(name, value);
    response_.keep_alive(keep_alive);
    if (head) {
      response_.content_length(response.body.size());  // HEAD: the length, not the body
    } else {
      response_.body() = std::move(response.body);
      response_.prepare_payload();
    }
    writing_ = true;
    stream_.expires_after(std::chrono::milliseconds(limits::request_timeout_ms));
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this(),
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
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  void start_linger() {
    do_close();
    stream_.expires_after(linger_duration);
    do_linger();
  }
  void do_linger() {
    stream_.async_read_some(asio::buffer(drain_),
                            beast::bind_front_handler(&Session::on_linger, shared_from_this()));
  }
  void on_linger(beast::error_code ec, std::size_t bytes) {
    drained_bytes_ += bytes;
    if (ec || closing_ || drained_bytes_ > linger_bytes_max) return;
    do_linger();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;  // alive while async_write runs
  ServerCore& server_;
  std::string client_address_;
  unsigned version_ = 11;
  bool writing_ = false;
  bool closing_ = false;
  std::array<char, 16 << 10> drain_{};
  std::size_t drained_bytes_ = 0;
};

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
  std::make_shared<Session>(std::move(socket), *this)->run();
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
  spdlog::info("HTTP server listening on {}:{} with {} threads", core.options.address,
               core.bound_port, thread_count);
  return {};
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

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
  std::vector<std::weak_ptr<Session>> open;
  {
    std::lock_guard sessions_lock(core.sessions_mutex);
    core.stopping = true;
    for (const auto& entry : core.sessions) open.push_back(entry.second);
  }
  for (const std::weak_ptr<Session>& weak : open) {
    if (std::shared_ptr<Session> session = weak.lock()) session->shutdown();
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
