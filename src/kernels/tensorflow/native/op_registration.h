// One op and its CPU kernel, described as TensorFlow's op definition strings
// and registered through TensorFlow's C API (declared in tf_c_api.h).
#ifndef TFJS_BLOCKSPARSE_OP_REGISTRATION_H_
#define TFJS_BLOCKSPARSE_OP_REGISTRATION_H_

#include <string>
#include <vector>

#include "tf_c_api.h"

namespace tfjs_blocksparse {

struct OpSpec {
  const char* name;
  std::vector<const char*> inputs;   // "x: float"
  std::vector<const char*> outputs;  // "y: float", in order
  std::vector<const char*> attrs;    // "transpose_w: bool = false"
  void* (*create)(TF_OpKernelConstruction*);
  void (*compute)(void*, TF_OpKernelContext*);
  void (*destroy)(void*);
};

// Registers the op, then its kernel; "" or TensorFlow's error message.
std::string Register(const OpSpec& spec);

// For kernels without attrs: nothing to keep between Compute calls.
void* CreateStateless(TF_OpKernelConstruction* ctx);
void DeleteStateless(void* kernel);

}  // namespace tfjs_blocksparse

#endif  // TFJS_BLOCKSPARSE_OP_REGISTRATION_H_
