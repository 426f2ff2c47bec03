#include "process_registration.h"

#include <vector>

#if defined(__linux__) || defined(__FreeBSD__) || defined(__APPLE__)
#include <dlfcn.h>
#define TFJS_BLOCKSPARSE_FIND_COPIES 1
#endif
#if defined(__linux__) || defined(__FreeBSD__)
#include <link.h>
#elif defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

namespace tfjs_blocksparse {

// What a copy tells the others. Its layout is fixed for the symbol name:
// a change needs a new name (and a look for the old one).
struct CopyState {
  uint32_t size;  // sizeof(CopyState)
  uint32_t opAbiVersion;
  uint64_t signature;
  int32_t state;  // one of the values below, set once per process
};

namespace {

constexpr int32_t kNotRegistered = 0, kRegistered = 1, kFailed = 2;

CopyState gState = {sizeof(CopyState), 0, 0, kNotRegistered};

}  // namespace
}  // namespace tfjs_blocksparse

// What the other copies look up in every loaded file. Unlike an environment
// variable, it needs no care in child processes: exec starts them without
// it, and fork copies it together with the TensorFlow registry it
// describes. The builds link with -z nodelete, so the file that registered
// the ops (and holds their kernels) stays loaded even when Node closes the
// addons of a worker thread that ends.
extern "C" __attribute__((visibility("default"), used))
tfjs_blocksparse::CopyState* const tfjs_blocksparse_ops_v1 = &tfjs_blocksparse::gState;

namespace tfjs_blocksparse {
namespace {

constexpr char kSymbol[] = "tfjs_blocksparse_ops_v1";
constexpr char kAddonFileName[] = "tfjs_blocksparse_native.node";

struct OtherCopy {
  std::string file;
  const CopyState* state;  // null: a copy older than this check
};

#ifdef TFJS_BLOCKSPARSE_FIND_COPIES

std::string ThisFile() {
  Dl_info info;
  if (dladdr(&gState, &info) != 0 && info.dli_fname != nullptr) return info.dli_fname;
  return kAddonFileName;
}

std::vector<std::string> LoadedFiles() {
  std::vector<std::string> files;
#if defined(__APPLE__)
  for (uint32_t i = 0, n = _dyld_image_count(); i < n; ++i) {
    if (const char* name = _dyld_get_image_name(i)) files.push_back(name);
  }
#else
  // Names only: dlopen must not run inside the callback, under the loader's lock.
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        if (info->dlpi_name != nullptr && info->dlpi_name[0] != '\0') {
          static_cast<std::vector<std::string>*>(out)->push_back(info->dlpi_name);
        }
        return 0;
      },
      &files);
#endif
  return files;
}

bool IsAddonFile(const std::string& file) {
  const size_t slash = file.find_last_of('/');
  return file.compare(slash == std::string::npos ? 0 : slash + 1, std::string::npos,
                      kAddonFileName) == 0;
}

// Every other loaded file that exports kSymbol, or is named like this addon.
std::vector<OtherCopy> OtherCopies() {
  std::vector<OtherCopy> copies;
  for (const std::string& file : LoadedFiles()) {
    // RTLD_NOLOAD: a handle to the loaded file only, never a new load.
    void* handle = dlopen(file.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) continue;
    auto* exported = static_cast<CopyState* const*>(dlsym(handle, kSymbol));
    const CopyState* state = exported != nullptr ? *exported : nullptr;
    dlclose(handle);
    if (state == &gState) continue;
    if (state != nullptr && state->size >= sizeof(CopyState)) {
      copies.push_back({file, state});
    } else if (state == nullptr && IsAddonFile(file)) {
      copies.push_back({file, nullptr});
    }
  }
  return copies;
}

#else  // no way to list loaded files: each copy only knows itself

std::string ThisFile() { return kAddonFileName; }
std::vector<OtherCopy> OtherCopies() { return {}; }

#endif

std::string CopyError(const OtherCopy& other, const std::string& why) {
  return "another copy of the tfjs-blocksparse native addon, " + other.file + ", " + why +
         "; this copy, " + ThisFile() + " (op ABI " + std::to_string(gState.opAbiVersion) +
         "), cannot register the same TensorFlow op names again without aborting the process. "
         "Load one version of tfjs-blocksparse per process (see `npm ls tfjs-blocksparse`).";
}

}  // namespace

RegistrationResult RegisterOncePerProcess(uint32_t opAbiVersion, uint64_t signature,
                                          const std::function<std::string()>& registerAll) {
  gState.opAbiVersion = opAbiVersion;
  gState.signature = signature;
  RegistrationResult result;
  for (const OtherCopy& other : OtherCopies()) {
    if (other.state == nullptr) {
      result.error = CopyError(other, "from a version that does not say which ops it registered,"
                                      " is loaded");
      return result;
    }
    const int32_t state = __atomic_load_n(&other.state->state, __ATOMIC_ACQUIRE);
    if (state == kNotRegistered) continue;  // itself a copy that reused, or failed to load
    if (state != kRegistered) {
      result.error = CopyError(other, "failed to register its ops");
      return result;
    }
    if (other.state->opAbiVersion != opAbiVersion || other.state->signature != signature) {
      result.error = CopyError(other, "registered ops of op ABI " +
                                          std::to_string(other.state->opAbiVersion) +
                                          (other.state->opAbiVersion == opAbiVersion
                                               ? " but with different definitions"
                                               : ""));
      return result;
    }
    return result;  // compatible: reuse them
  }
  result.error = registerAll();
  result.registeredHere = result.error.empty();
  __atomic_store_n(&gState.state, result.error.empty() ? kRegistered : kFailed, __ATOMIC_RELEASE);
  return result;
}

}  // namespace tfjs_blocksparse
