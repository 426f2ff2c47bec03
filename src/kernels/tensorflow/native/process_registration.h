// Registers the ops once per process, however many copies of this addon
// file the process loads (two versions of the package, or a nested
// dependency): TensorFlow aborts the process when an op name is registered
// twice, so a later copy must find the copy that registered them and reuse
// its ops, or refuse with an error when they may differ.
#ifndef TFJS_BLOCKSPARSE_PROCESS_REGISTRATION_H_
#define TFJS_BLOCKSPARSE_PROCESS_REGISTRATION_H_

#include <cstdint>
#include <functional>
#include <string>

namespace tfjs_blocksparse {

struct RegistrationResult {
  std::string error;          // "" on success
  bool registeredHere = false;  // false: another copy's ops are reused
};

// Runs `registerAll` (returning "" or an error) unless another loaded copy
// of this addon already registered ops of the same ABI version and
// signature; then this copy reuses them. Any other copy's registration
// (another ABI, a failed one, or one from a copy too old to say) is an
// error. Call once per file (op_kernels.cc keeps the result): the caller
// must not run concurrently with another copy's call, which Node ensures
// by loading and initializing addons under one process-wide lock.
RegistrationResult RegisterOncePerProcess(uint32_t opAbiVersion, uint64_t signature,
                                          const std::function<std::string()>& registerAll);

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_PROCESS_REGISTRATION_H_
