// libtorch's own distributed engine, c10d: rendezvous stores (FileStore, TCPStore, PrefixStore) and the Gloo process
// group, with the collectives Degenerate needs. Compiled with -DUSE_C10D_GLOO when the Gloo headers are present
// (CMakeLists.txt); without them every function fails with a message saying what is missing, so the shim still builds.
// The NCCL process group (one GPU per rank) is compiled only when CMake found a CUDA libtorch whose c10d has NCCL and
// the NCCL branch compiled against it (DEGENERATE_WITH_NCCL, with USE_C10D_NCCL for the header's own guard).
#include "shim.h"

#include <torch/csrc/api/include/torch/version.h>

#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#ifdef DEGENERATE_WITH_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>

namespace {

#ifdef USE_C10D_GLOO
struct Store {
  c10::intrusive_ptr<c10d::Store> store;
};

// One rank's group: Gloo, or NCCL on this rank's GPU. `device` is where the backend wants its buffers (the CPU for
// Gloo, cuda:i for NCCL); a tensor elsewhere travels through a copy there and back, so any caller's tensors work with
// either backend (host arrays with NCCL, CUDA weights with Gloo).
struct Group {
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#ifdef DEGENERATE_WITH_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
  int rank;
  int world;
  at::Device device{at::kCPU};

  // Calls f with the concrete process group (1.13's groups derive from ProcessGroup, 2.x's from Backend: the concrete
  // types keep this free of that difference).
  template <class F>
  c10::intrusive_ptr<c10d::Work> run(F&& f) {
#ifdef DEGENERATE_WITH_NCCL
    if (nccl) return f(*nccl);
#endif
    return f(*gloo);
  }

  at::Tensor staged(const at::Tensor& t) const { return t.device() == device ? t : t.to(device); }
};

Store& S(dg_store s) {
  if (s == nullptr) throw std::invalid_argument("null store handle");
  return *static_cast<Store*>(s);
}

Group& G(dg_process_group g) {
  if (g == nullptr) throw std::invalid_argument("null process group handle");
  return *static_cast<Group*>(g);
}

std::chrono::milliseconds ms(int64_t timeout_ms) {
  if (timeout_ms <= 0) throw std::invalid_argument("timeout must be positive, got " + std::to_string(timeout_ms) + " ms");
  return std::chrono::milliseconds(timeout_ms);
}

// Runs one collective and names the rank and the operation in any failure: a user reading one rank's log must see
// which collective on which rank broke (a peer that died shows up as "Connection closed by peer" from Gloo).
template <class F>
dg_status collective(dg_process_group g, const char* what, F&& f) noexcept {
  auto status = dg::guard([&] { f(G(g)); });
  if (status != 0 && g != nullptr) {
    auto& group = *static_cast<Group*>(g);
    dg::set_error("rank " + std::to_string(group.rank) + " of " + std::to_string(group.world) + ": " + what +
                  " failed: " + dg_last_error());
  }
  return status;
}

void wait(const c10::intrusive_ptr<c10d::Work>& work, int64_t timeout_ms) { work->wait(ms(timeout_ms)); }

c10d::ReduceOp reduce_op(int32_t op) {
  switch (op) {
    case DG_REDUCE_SUM: return c10d::ReduceOp::SUM;
    case DG_REDUCE_MAX: return c10d::ReduceOp::MAX;
    case DG_REDUCE_MIN: return c10d::ReduceOp::MIN;
    case DG_REDUCE_PRODUCT: return c10d::ReduceOp::PRODUCT;
  }
  throw std::invalid_argument("unknown reduce op code " + std::to_string(op));
}
#else
[[noreturn]] void missing() {
  throw std::runtime_error(
      "this native shim was built without c10d's Gloo backend (the Gloo headers were missing at build time, or this "
      "libtorch lacks c10d): install libgloo-dev and rebuild Degenerate.Native");
}
#endif

}  // namespace

extern "C" {

int32_t dg_distributed_available(void) {
#ifdef USE_C10D_GLOO
  return 1;
#else
  return 0;
#endif
}

dg_status dg_store_file(const char* path, int32_t world_size, dg_store* out) {
  return dg::guard([&] {
#ifdef USE_C10D_GLOO
    if (path == nullptr || *path == 0) throw std::invalid_argument("FileStore path is empty");
    auto store = c10::make_intrusive<c10d::FileStore>(path, world_size);
    *out = new Store{store};
#else
    missing();
#endif
  });
}

dg_status dg_store_tcp(const char* host, int32_t port, int32_t is_server, int32_t world_size, int64_t timeout_ms,
                       int32_t wait_workers, dg_store* out) {
  return dg::guard([&] {
#ifdef USE_C10D_GLOO
    if (port <= 0 || port > 65535) throw std::invalid_argument("TCPStore port must be in 1..65535, got " + std::to_string(port));
    c10d::TCPStoreOptions opts;
    opts.port = static_cast<std::uint16_t>(port);
    opts.isServer = is_server != 0;
    if (world_size > 0) opts.numWorkers = static_cast<std::size_t>(world_size);
    opts.waitWorkers = wait_workers != 0;
    opts.timeout = ms(timeout_ms);
    auto store = c10::make_intrusive<c10d::TCPStore>(std::string(host), opts);
    *out = new Store{store};
#else
    missing();
#endif
  });
}

dg_status dg_store_prefix(dg_store base, const char* prefix, dg_store* out) {
  return dg::guard([&] {
#ifdef USE_C10D_GLOO
    auto store = c10::make_intrusive<c10d::PrefixStore>(std::string(prefix), S(base).store);
    *out = new Store{store};
#else
    missing();
#endif
  });
}

void dg_store_free(dg_store s) {
#ifdef USE_C10D_GLOO
  delete static_cast<Store*>(s);
#endif
}

dg_status dg_store_set(dg_store s, const char* key, const void* data, int64_t nbytes) {
  return dg::guard([&] {
#ifdef USE_C10D_GLOO
    auto bytes = static_cast<const uint8_t*>(data);
    S(s).store->set(std::string(key), std::vector<uint8_t>(bytes, bytes + nbytes));
#else
    missing();
#endif
  });
}

dg_status dg_store_get(dg_store s, const char* key, int64_t timeout_ms, void* buffer, int64_t capacity, int64_t* nbytes) {
  return dg::guard([&] {
#ifdef USE_C10D_GLOO
    auto& store = *S(s).store;
    store.wait({std::string(key)}, ms(timeout_ms));
    auto value = store.get(std::string(key));
    *nbytes = static_cast<int64_t>(value.size());
    if (static_cast<int64_t>(value.size()) <= capacity && !value.empty()) std::memcpy(buffer, value.data(), value.size());
#else
    missing();
#endif
  });
}

dg_status dg_store_add(dg_store s, const char* key, int64_t value, int64_t* result) {
  return dg::guard([&] {
#ifdef USE_C10D_GLOO
    *result = S(s).store->add(std::string(key), value);
#else
    missing();
#endif
  });
}

dg_status dg_pg_gloo(dg_store store, int32_t rank, int32_t world_size, int64_t timeout_ms, const char* interface_name,
                     const char* hostname, dg_process_group* out) {
  return dg::guard([&] {
#ifdef USE_C10D_GLOO
    if (world_size <= 0) throw std::invalid_argument("world size must be positive, got " + std::to_string(world_size));
    if (rank < 0 || rank >= world_size)
      throw std::invalid_argument("rank " + std::to_string(rank) + " is outside 0.." + std::to_string(world_size - 1));
    auto opts = c10d::ProcessGroupGloo::Options::create(ms(timeout_ms));
    // The transport: a named interface (GLOO_SOCKET_IFNAME), a host name/address, or Gloo's default (the address the
    // machine's hostname resolves to).
    if (interface_name != nullptr && *interface_name != 0)
      opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface_name));
    else if (hostname != nullptr && *hostname != 0)
      opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(hostname));
    else
      opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    auto pg = c10::make_intrusive<c10d::ProcessGroupGloo>(S(store).store, rank, world_size, opts);
    auto group = new Group{};
    group->gloo = pg;
    group->rank = rank;
    group->world = world_size;
    *out = group;
#else
    missing();
#endif
  });
}

const char* dg_nccl_status(void) {
#if defined(DEGENERATE_WITH_NCCL) && defined(USE_C10D_GLOO)
  return "";
#elif defined(DEGENERATE_TORCH_CUDA)
  return "this libtorch (" TORCH_VERSION ", CUDA) was found without a usable c10d NCCL when the native engine was built "
         "(its NCCL or CUDA headers were missing, or its c10d has no NCCL; see the build's 'c10d NCCL' line): rebuild "
         "the native engine against a CUDA libtorch with NCCL, e.g. pip torch's (DEGENERATE_LIBTORCH_USE_PYTORCH=1)";
#else
  return "this libtorch (" TORCH_VERSION ", CPU) has no NCCL; build the native engine against a CUDA libtorch, e.g. pip "
         "torch's (DEGENERATE_LIBTORCH_USE_PYTORCH=1 with a CUDA PyTorch), or use the gloo backend";
#endif
}

dg_status dg_pg_nccl(dg_store store, int32_t rank, int32_t world_size, int64_t timeout_ms, int32_t device_index,
                     dg_process_group* out) {
  return dg::guard([&] {
#if defined(DEGENERATE_WITH_NCCL) && defined(USE_C10D_GLOO)
    if (world_size <= 0) throw std::invalid_argument("world size must be positive, got " + std::to_string(world_size));
    if (rank < 0 || rank >= world_size)
      throw std::invalid_argument("rank " + std::to_string(rank) + " is outside 0.." + std::to_string(world_size - 1));
    auto gpus = static_cast<int>(c10::cuda::device_count());
    if (device_index < 0 || device_index >= gpus)
      throw std::invalid_argument("rank " + std::to_string(rank) + ": NCCL needs one GPU per rank, and cuda:" +
                                  std::to_string(device_index) + " (its local rank) is not among this machine's " +
                                  std::to_string(gpus) + " GPU(s)");
    // The rank's GPU is current for the NCCL communicator and its streams, as torch.cuda.set_device(local_rank).
    c10::cuda::set_device(static_cast<c10::DeviceIndex>(device_index));
    // Blocking wait makes Work::wait honour the timeout and throw (naming the collective) instead of leaving a dead
    // peer's collective to the watchdog; a user's own setting wins (overwrite = 0). 2.2+ reads the TORCH_ name.
    setenv("TORCH_NCCL_BLOCKING_WAIT", "1", 0);
    setenv("NCCL_BLOCKING_WAIT", "1", 0);
    auto opts = c10d::ProcessGroupNCCL::Options::create();
    opts->timeout = ms(timeout_ms);
    auto pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(S(store).store, rank, world_size, opts);
    auto group = new Group{};
    group->nccl = pg;
    group->rank = rank;
    group->world = world_size;
    group->device = at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device_index));
    *out = group;
#else
    throw std::runtime_error(dg_nccl_status());
#endif
  });
}

void dg_pg_free(dg_process_group g) {
#ifdef USE_C10D_GLOO
  delete static_cast<Group*>(g);
#endif
}

dg_status dg_pg_allreduce(dg_process_group g, const dg_tensor* tensors, int32_t n, int32_t op, int64_t bucket_bytes,
                          int64_t timeout_ms) {
#ifdef USE_C10D_GLOO
  return collective(g, "all_reduce", [&](Group& group) {
    auto opts = c10d::AllreduceOptions();
    opts.reduceOp = reduce_op(op);
    opts.timeout = ms(timeout_ms);
    // Buckets, as DDP's Reducer: consecutive tensors of one dtype and device are flattened into one buffer of at most
    // bucket_bytes (a larger tensor goes alone), so a model with many small weights costs few collectives.
    int32_t i = 0;
    while (i < n) {
      std::vector<at::Tensor> bucket{dg::T(tensors[i])};
      int64_t bytes = bucket[0].numel() * bucket[0].element_size();
      int32_t j = i + 1;
      while (j < n) {
        auto& t = dg::T(tensors[j]);
        auto more = t.numel() * t.element_size();
        if (t.scalar_type() != bucket[0].scalar_type() || t.device() != bucket[0].device() || bytes + more > bucket_bytes) break;
        bucket.push_back(t);
        bytes += more;
        j++;
      }
      if (bucket.size() == 1 && bucket[0].is_contiguous() && bucket[0].device() == group.device) {
        std::vector<at::Tensor> one{bucket[0]};
        wait(group.run([&](auto& pg) { return pg.allreduce(one, opts); }), timeout_ms);
      } else {
        std::vector<at::Tensor> flat_parts;
        for (auto& t : bucket) flat_parts.push_back(t.reshape({-1}));
        std::vector<at::Tensor> flat{group.staged(at::cat(flat_parts))};
        wait(group.run([&](auto& pg) { return pg.allreduce(flat, opts); }), timeout_ms);
        int64_t offset = 0;
        for (auto& t : bucket) {
          auto count = t.numel();
          t.copy_(flat[0].narrow(0, offset, count).view(t.sizes()));
          offset += count;
        }
      }
      i = j;
    }
  });
#else
  return dg::guard([] { missing(); });
#endif
}

dg_status dg_pg_broadcast(dg_process_group g, const dg_tensor* tensors, int32_t n, int32_t root, int64_t timeout_ms) {
#ifdef USE_C10D_GLOO
  return collective(g, "broadcast", [&](Group& group) {
    if (root < 0 || root >= group.world)
      throw std::invalid_argument("root rank " + std::to_string(root) + " is outside 0.." + std::to_string(group.world - 1));
    auto opts = c10d::BroadcastOptions();
    opts.rootRank = root;
    opts.timeout = ms(timeout_ms);
    for (int32_t i = 0; i < n; i++) {
      auto& t = dg::T(tensors[i]);
      std::vector<at::Tensor> one{group.staged(t.contiguous())};
      wait(group.run([&](auto& pg) { return pg.broadcast(one, opts); }), timeout_ms);
      if (!one[0].is_same(t)) t.copy_(one[0]);
    }
  });
#else
  return dg::guard([] { missing(); });
#endif
}

dg_status dg_pg_allgather(dg_process_group g, dg_tensor t, int64_t timeout_ms, dg_tensor* out) {
#ifdef USE_C10D_GLOO
  return collective(g, "all_gather", [&](Group& group) {
    auto input = group.staged(dg::T(t).contiguous());
    std::vector<at::Tensor> inputs{input};
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int r = 0; r < group.world; r++) outputs[0].push_back(at::empty_like(input));
    auto opts = c10d::AllgatherOptions();
    opts.timeout = ms(timeout_ms);
    wait(group.run([&](auto& pg) { return pg.allgather(outputs, inputs, opts); }), timeout_ms);
    *out = dg::give(at::stack(outputs[0]).to(dg::T(t).device()));
  });
#else
  return dg::guard([] { missing(); });
#endif
}

dg_status dg_pg_barrier(dg_process_group g, int64_t timeout_ms) {
#ifdef USE_C10D_GLOO
  return collective(g, "barrier", [&](Group& group) {
#ifdef DEGENERATE_WITH_NCCL
    if (group.nccl) {
      // NCCL's own barrier guesses each rank's GPU from its rank; an all-reduce of one value on this rank's GPU, read
      // back to the host, waits for every rank without guessing.
      std::vector<at::Tensor> one{at::zeros({1}, at::TensorOptions().device(group.device))};
      auto opts = c10d::AllreduceOptions();
      opts.timeout = ms(timeout_ms);
      wait(group.nccl->allreduce(one, opts), timeout_ms);
      (void)one[0].cpu();
      return;
    }
#endif
    auto opts = c10d::BarrierOptions();
    opts.timeout = ms(timeout_ms);
    wait(group.gloo->barrier(opts), timeout_ms);
  });
#else
  return dg::guard([] { missing(); });
#endif
}

}  // extern "C"
