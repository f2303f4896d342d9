// Classic libpcap reader with UDP extraction and TCP reassembly (see
// pcap.hpp). The file is read whole; each record is peeled layer by layer
// (link header -> IPv4 -> UDP/TCP). TCP segments are grouped per direction
// under the connection's 4-tuple; each direction's payload is placed at its
// offset from the initial sequence number (the SYN's, or the lowest seen)
// and then stitched together, so retransmissions collapse and reordering is
// undone.
#include "support/pcap.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <tuple>

namespace wkd::testsupport {

namespace {

constexpr std::uint32_t kMagicMicro = 0xa1b2c3d4u;
constexpr std::uint32_t kMagicNano = 0xa1b23c4du;
constexpr std::uint32_t kLinkNull = 0;
constexpr std::uint32_t kLinkEthernet = 1;
constexpr std::uint32_t kLinkRaw = 101;
constexpr std::uint32_t kLinkLoop = 108;
constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kTcpSyn = 0x02;
constexpr std::uint8_t kTcpAck = 0x10;

struct Cursor {
  const std::uint8_t* p;
  std::size_t n;
  bool swapped;

  std::uint32_t u32(std::size_t at) const {
    const std::uint32_t le = std::uint32_t{p[at]} | std::uint32_t{p[at + 1]} << 8 |
                             std::uint32_t{p[at + 2]} << 16 | std::uint32_t{p[at + 3]} << 24;
    return swapped ? get_be32(p + at) : le;
  }
};

using FlowKey = std::tuple<std::uint32_t, std::uint16_t, std::uint32_t, std::uint16_t>;

struct FlowBuild {
  double time = 0;
  std::size_t order = 0;
  Endpoint src, dst;
  bool syn_seen = false;
  bool dialer = false;
  std::uint32_t isn = 0;
  std::vector<std::pair<std::uint32_t, Bytes>> segments;  // (seq, payload)
};

// Payload of one direction: segments placed by offset from the first byte.
Bytes stitch(FlowBuild& f, std::size_t& gaps) {
  Bytes out;
  gaps = 0;
  if (f.segments.empty()) return out;
  const std::uint32_t base =
      f.syn_seen ? f.isn + 1
                 : std::min_element(f.segments.begin(), f.segments.end(),
                                    [](const auto& a, const auto& b) { return a.first < b.first; })
                       ->first;
  std::map<std::uint32_t, Bytes> by_offset;
  for (auto& [seq, data] : f.segments) {
    auto& slot = by_offset[seq - base];  // wraps correctly in 32-bit space
    if (data.size() > slot.size()) slot = data;
  }
  for (auto& [off, data] : by_offset) {
    if (off > out.size()) {
      ++gaps;
      out.resize(off, 0);
    }
    if (off + data.size() > out.size()) {
      const std::size_t skip = out.size() - off;
      out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(skip), data.end());
    }
  }
  return out;
}

}  // namespace

std::string Endpoint::to_string() const {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
         std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255) + ":" +
         std::to_string(port);
}

bool read_pcap(const std::string& path, Capture& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path;
    return false;
  }
  const Bytes file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (file.size() < 24) {
    error = path + ": shorter than a pcap header";
    return false;
  }
  Cursor c{file.data(), file.size(), false};
  std::uint32_t magic = c.u32(0);
  if (magic != kMagicMicro && magic != kMagicNano) {
    c.swapped = true;
    magic = c.u32(0);
    if (magic != kMagicMicro && magic != kMagicNano) {
      error = path + ": not a classic pcap file";
      return false;
    }
  }
  const double frac_scale = magic == kMagicNano ? 1e-9 : 1e-6;
  out = Capture{};
  out.link_type = c.u32(20) & 0x0fffffffu;
  if (out.link_type != kLinkNull && out.link_type != kLinkEthernet &&
      out.link_type != kLinkRaw && out.link_type != kLinkLoop) {
    error = path + ": unsupported link type " + std::to_string(out.link_type);
    return false;
  }

  std::map<FlowKey, FlowBuild> flows;
  double t0 = -1;
  std::size_t at = 24;
  while (at < file.size()) {
    if (file.size() - at < 16) {
      error = path + ": record header cut short";
      return false;
    }
    const double ts = c.u32(at) + c.u32(at + 4) * frac_scale;
    const std::size_t incl = c.u32(at + 8);
    at += 16;
    if (file.size() - at < incl) {
      error = path + ": record cut short";
      return false;
    }
    ByteView rec(file.data() + at, incl);
    at += incl;
    if (t0 < 0) t0 = ts;

    // Link layer -> IPv4.
    ByteView ip;
    if (out.link_type == kLinkEthernet) {
      if (rec.size() < 14 || get_be16(rec.data() + 12) != kEtherIpv4) {
        ++out.skipped;
        continue;
      }
      ip = rec.subspan(14);
    } else if (out.link_type == kLinkNull || out.link_type == kLinkLoop) {
      if (rec.size() < 4) {
        ++out.skipped;
        continue;
      }
      ip = rec.subspan(4);  // family word; IPv4 is recognised from the version nibble
    } else {
      ip = rec;
    }
    if (ip.size() < 20 || (ip[0] >> 4) != 4) {
      ++out.skipped;
      continue;
    }
    const std::size_t ihl = std::size_t{ip[0] & 15u} * 4;
    const std::size_t total = get_be16(ip.data() + 2);
    if (ihl < 20 || total < ihl || total > ip.size() || (get_be16(ip.data() + 6) & 0x3fff) != 0) {
      ++out.skipped;  // malformed, snapped or fragmented
      continue;
    }
    const std::uint8_t proto = ip[9];
    const std::uint32_t src_ip = get_be32(ip.data() + 12);
    const std::uint32_t dst_ip = get_be32(ip.data() + 16);
    const ByteView l4 = ip.subspan(ihl, total - ihl);

    if (proto == kProtoUdp && l4.size() >= 8) {
      const std::size_t len = get_be16(l4.data() + 4);
      if (len < 8 || len > l4.size()) {
        ++out.skipped;
        continue;
      }
      UdpDatagram d;
      d.time = ts - t0;
      d.src = {src_ip, get_be16(l4.data())};
      d.dst = {dst_ip, get_be16(l4.data() + 2)};
      d.payload.assign(l4.begin() + 8, l4.begin() + static_cast<std::ptrdiff_t>(len));
      out.udp.push_back(std::move(d));
    } else if (proto == kProtoTcp && l4.size() >= 20) {
      const std::size_t doff = static_cast<std::size_t>(l4[12] >> 4) * 4;
      if (doff < 20 || doff > l4.size()) {
        ++out.skipped;
        continue;
      }
      const std::uint16_t sp = get_be16(l4.data());
      const std::uint16_t dp = get_be16(l4.data() + 2);
      const std::uint32_t seq = get_be32(l4.data() + 4);
      const std::uint8_t flags = l4[13];
      const FlowKey key{src_ip, sp, dst_ip, dp};
      auto [it, fresh] = flows.try_emplace(key);
      FlowBuild& f = it->second;
      if (fresh) {
        // Keep both directions of a connection together, ordered by start.
        const FlowKey reverse{dst_ip, dp, src_ip, sp};
        auto rev = flows.find(reverse);
        f.time = rev != flows.end() ? rev->second.time : ts - t0;
        f.order = rev != flows.end() ? rev->second.order : flows.size();
        f.src = {src_ip, sp};
        f.dst = {dst_ip, dp};
      }
      if (flags & kTcpSyn) {
        f.syn_seen = true;
        f.isn = seq;
        f.dialer = (flags & kTcpAck) == 0;
      }
      const ByteView payload = l4.subspan(doff);
      if (!payload.empty()) f.segments.emplace_back(seq, Bytes(payload.begin(), payload.end()));
    } else {
      ++out.skipped;
    }
  }

  std::vector<FlowBuild*> ordered;
  for (auto& [key, f] : flows) ordered.push_back(&f);
  std::stable_sort(ordered.begin(), ordered.end(), [](const FlowBuild* a, const FlowBuild* b) {
    if (a->order != b->order) return a->order < b->order;
    return a->dialer && !b->dialer;
  });
  for (FlowBuild* f : ordered) {
    TcpFlow flow;
    flow.time = f->time;
    flow.src = f->src;
    flow.dst = f->dst;
    flow.from_dialer = f->dialer;
    flow.data = stitch(*f, flow.gaps);
    out.tcp.push_back(std::move(flow));
  }
  return true;
}

}  // namespace wkd::testsupport
