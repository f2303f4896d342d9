#include "transport/resolver.hpp"

#include <algorithm>
#include <memory>

#include <uv.h>

#include "transport/uv_util.hpp"

namespace wkd::transport {

namespace {

struct Batch {
  std::vector<std::vector<Address>> per_seed;
  std::vector<std::string> errors;
  std::vector<std::string> seeds;
  int pending = 0;
  std::function<void(Resolved)> done;

  void finish_one() {
    if (--pending > 0) return;
    Resolved r;
    for (std::size_t i = 0; i < per_seed.size(); ++i) {
      for (const Address& a : per_seed[i]) {
        if (std::find(r.addresses.begin(), r.addresses.end(), a) == r.addresses.end()) r.addresses.push_back(a);
      }
      if (!errors[i].empty()) {
        if (!r.errors.empty()) r.errors += "; ";
        r.errors += seeds[i] + ": " + errors[i];
      }
    }
    auto cb = std::move(done);
    cb(std::move(r));
  }
};

struct Lookup {
  uv_getaddrinfo_t req;
  std::shared_ptr<Batch> batch;
  std::size_t index;
  std::uint16_t port;
};

}  // namespace

void resolve_seeds(uv_loop_s* loop, const std::vector<std::string>& seeds, std::uint16_t default_port, int family,
                   std::function<void(Resolved)> done) {
  auto batch = std::make_shared<Batch>();
  batch->seeds = seeds;
  batch->per_seed.resize(seeds.size());
  batch->errors.resize(seeds.size());
  batch->done = std::move(done);
  batch->pending = static_cast<int>(seeds.size()) + 1;  // +1: this function's own step

  for (std::size_t i = 0; i < seeds.size(); ++i) {
    auto hp = split_host_port(seeds[i], default_port);
    if (!hp || hp->host.empty()) {
      batch->errors[i] = "not host:port";
      --batch->pending;
      continue;
    }
    if (auto ip = parse_ip(hp->host)) {
      ip->port = hp->port;
      batch->per_seed[i].push_back(*ip);
      --batch->pending;
      continue;
    }
    auto* lookup = new Lookup{{}, batch, i, hp->port};
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    int rc = uv_getaddrinfo(
        loop, &lookup->req,
        [](uv_getaddrinfo_t* req, int status, addrinfo* res) {
          auto* l = reinterpret_cast<Lookup*>(req);
          if (status != 0) {
            l->batch->errors[l->index] = uv_error(status);
          } else {
            for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
              if (auto a = from_sockaddr(ai->ai_addr)) {
                a->port = l->port;
                auto& v = l->batch->per_seed[l->index];
                if (std::find(v.begin(), v.end(), *a) == v.end()) v.push_back(*a);
              }
            }
            if (l->batch->per_seed[l->index].empty()) l->batch->errors[l->index] = "no address found";
          }
          uv_freeaddrinfo(res);
          auto b = l->batch;
          delete l;
          b->finish_one();
        },
        hp->host.c_str(), nullptr, &hints);
    if (rc != 0) {
      batch->errors[i] = uv_error(rc);
      delete lookup;
      --batch->pending;
    }
  }
  // Complete from the loop, never from inside the caller.
  struct Defer {
    uv_idle_t idle;
    std::shared_ptr<Batch> batch;
  };
  auto* d = new Defer{{}, batch};
  uv_idle_init(loop, &d->idle);
  d->idle.data = d;
  uv_idle_start(&d->idle, [](uv_idle_t* h) {
    uv_idle_stop(h);
    uv_close(reinterpret_cast<uv_handle_t*>(h), [](uv_handle_t* hh) {
      auto* dd = static_cast<Defer*>(hh->data);
      auto b = std::move(dd->batch);
      delete dd;
      b->finish_one();
    });
  });
}

}  // namespace wkd::transport
