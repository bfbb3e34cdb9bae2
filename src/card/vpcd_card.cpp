#include "card/vpcd_card.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>

namespace ektp::card {

namespace {

constexpr std::size_t kMessageMax = 65535;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Reads exactly n bytes, waking every 200 ms to look at `stop`. false at the end of the stream.
bool read_exact(int fd, std::uint8_t* out, std::size_t n, const std::atomic<bool>& stop) {
  std::size_t got = 0;
  while (got < n) {
    if (stop) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 200);
    if (ready < 0) return false;
    if (ready == 0) continue;
    // vpcd writes a command's length and its bytes in two sends: with delayed ACKs on our side its
    // Nagle's algorithm holds the second back ~40 ms. Linux resets TCP_QUICKACK, so set it each time.
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
    const ssize_t r = ::recv(fd, out + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

bool write_message(int fd, std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> out = {static_cast<std::uint8_t>(payload.size() >> 8),
                                   static_cast<std::uint8_t>(payload.size())};
  out.insert(out.end(), payload.begin(), payload.end());
  std::size_t sent = 0;
  while (sent < out.size()) {
    const ssize_t w = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (w <= 0) return false;
    sent += static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace

std::vector<std::uint8_t> virtual_card_atr() {
  // 3B: direct convention; 84: TD1 follows, 4 historical bytes; 80 01: T=1; "EKTP"; TCK.
  std::vector<std::uint8_t> atr = {0x3B, 0x84, 0x80, 0x01, 'E', 'K', 'T', 'P'};
  std::uint8_t tck = 0;
  for (std::size_t i = 1; i < atr.size(); ++i) tck ^= atr[i];
  atr.push_back(tck);
  return atr;
}

Status serve_vpcd(const std::string& host, std::uint16_t port, ChipCard& card, const std::atomic<bool>& stop,
                  const AfterCommand& after_command) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    return invalid_argument(fmt::format("vpcd address '{}': an IPv4 address", host));
  }
  std::unique_ptr<Socket> socket;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!socket) {
    auto candidate = std::make_unique<Socket>(::socket(AF_INET, SOCK_STREAM, 0));
    if (candidate->fd() >= 0 && ::connect(candidate->fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
      // Each answer is one small write awaited by the reader: without TCP_NODELAY, Nagle's
      // algorithm and delayed ACKs hold it back ~40 ms.
      const int on = 1;
      ::setsockopt(candidate->fd(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      socket = std::move(candidate);
      break;
    }
    if (stop || std::chrono::steady_clock::now() > deadline) {
      return make_error(ErrorCode::kUnavailable, fmt::format("vpcd is not listening on {}:{} (is pcscd running?)", host, port));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  card.reset();  // a card inserted anew
  const auto atr = virtual_card_atr();
  std::vector<std::uint8_t> message;
  while (!stop) {
    std::uint8_t header[2];
    if (!read_exact(socket->fd(), header, 2, stop)) break;
    const std::size_t length = static_cast<std::size_t>(header[0] << 8 | header[1]);
    if (length == 0 || length > kMessageMax) break;
    message.resize(length);
    if (!read_exact(socket->fd(), message.data(), length, stop)) break;
    if (length == 1) {
      if (message[0] == 0x04) {
        if (!write_message(socket->fd(), atr)) break;
      } else {
        card.reset();  // power off, power on, reset: nothing to answer
      }
      continue;
    }
    const auto answer = card.transmit(message);
    if (after_command) {
      EKTP_RETURN_IF_ERROR(after_command());
    }
    if (!write_message(socket->fd(), answer)) break;
  }
  return {};
}

}  // namespace ektp::card
