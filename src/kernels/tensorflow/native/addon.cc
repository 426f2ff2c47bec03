// The Node entry point: loading this addon (after @tensorflow/tfjs-node has
// loaded libtensorflow) registers the ops with that TensorFlow runtime, or
// reuses those another copy of this addon registered in the process, and
// exports what the TypeScript side needs to call and describe them:
//   {ops (each op's TensorFlow name under the key the TypeScript side calls
//    it by: kNativeOps below, the one list of them),
//    instructionSet, numThreads (this file's kernels),
//    opAbiVersion, registeredOps (true: this file registered the ops; false:
//    it reuses another copy's)}
// A registration failure, or another copy whose ops may differ, throws, so
// `require` fails with the reason instead of TensorFlow aborting the process.
//
// Node-API version 1 is all it needs (NAPI_VERSION, set by the builds).
#include <node_api.h>

#include <string>

#include "attention_ops.h"
#include "block_products.h"
#include "fused_attention_ops.h"
#include "lstm_step_ops.h"
#include "op_kernels.h"
#include "thread_pool.h"

namespace {

// Every op this addon registers: the key the TypeScript side uses
// (native_addon.ts, NativeOpKey) and the op's name in the TensorFlow runtime.
struct NativeOp {
  const char* key;
  const char* name;
};
constexpr NativeOp kNativeOps[] = {
    {"matMul", tfjs_blocksparse::kMatMulOpName},
    {"sampledMatMul", tfjs_blocksparse::kSampledMatMulOpName},
    {"lstmStep", tfjs_blocksparse::kLSTMStepOpName},
    {"lstmStepBackward", tfjs_blocksparse::kLSTMStepBackwardOpName},
    {"sdd", tfjs_blocksparse::kSDDOpName},
    {"softmax", tfjs_blocksparse::kSoftmaxOpName},
    {"softmaxBackward", tfjs_blocksparse::kSoftmaxBackwardOpName},
    {"dsd", tfjs_blocksparse::kDSDOpName},
    {"attention", tfjs_blocksparse::kAttentionOpName},
    {"attentionBackward", tfjs_blocksparse::kAttentionBackwardOpName},
};

bool SetString(napi_env env, napi_value object, const char* key, const char* value) {
  napi_value v;
  return napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v) == napi_ok &&
         napi_set_named_property(env, object, key, v) == napi_ok;
}

napi_value Init(napi_env env, napi_value exports) {
  const tfjs_blocksparse::RegistrationResult& registration =
      tfjs_blocksparse::RegisterOpsAndKernels();
  if (!registration.error.empty()) {
    napi_throw_error(
        env, nullptr,
        ("tfjs-blocksparse native ops could not be registered: " + registration.error).c_str());
    return nullptr;
  }
  napi_value ops, threads, abiVersion, registeredOps;
  bool ok = napi_create_object(env, &ops) == napi_ok;
  for (const NativeOp& op : kNativeOps) ok = ok && SetString(env, ops, op.key, op.name);
  if (!ok || napi_set_named_property(env, exports, "ops", ops) != napi_ok ||
      !SetString(env, exports, "instructionSet", tfjs_blocksparse::InstructionSet()) ||
      napi_create_int32(env, tfjs_blocksparse::NumThreads(), &threads) != napi_ok ||
      napi_set_named_property(env, exports, "numThreads", threads) != napi_ok ||
      napi_create_uint32(env, tfjs_blocksparse::kOpAbiVersion, &abiVersion) != napi_ok ||
      napi_set_named_property(env, exports, "opAbiVersion", abiVersion) != napi_ok ||
      napi_get_boolean(env, registration.registeredHere, &registeredOps) != napi_ok ||
      napi_set_named_property(env, exports, "registeredOps", registeredOps) != napi_ok) {
    napi_throw_error(env, nullptr, "tfjs-blocksparse native addon: could not build its exports");
    return nullptr;
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
