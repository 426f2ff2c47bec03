#include "op_registration.h"

#include "tf_c_api.h"

namespace tfjs_blocksparse {
namespace {

// Eager execution never asks for shapes; graph users get an unknown shape.
void UnknownShape(TF_ShapeInferenceContext* ctx, TF_Status* status) {
  TF_ShapeInferenceContextSetUnknownShape(ctx, status);
}

}  // namespace

std::string Register(const OpSpec& spec) {
  TF_OpDefinitionBuilder* op = TF_NewOpDefinitionBuilder(spec.name);
  for (const char* input : spec.inputs) TF_OpDefinitionBuilderAddInput(op, input);
  for (const char* output : spec.outputs) TF_OpDefinitionBuilderAddOutput(op, output);
  for (const char* attr : spec.attrs) TF_OpDefinitionBuilderAddAttr(op, attr);
  TF_OpDefinitionBuilderSetShapeInferenceFunction(op, &UnknownShape);
  TF_KernelBuilder* kernel =
      TF_NewKernelBuilder(spec.name, "CPU", spec.create, spec.compute, spec.destroy);
  TF_Status* status = TF_NewStatus();
  TF_RegisterOpDefinition(op, status);
  if (TF_GetCode(status) == TF_OK) {
    TF_RegisterKernelBuilder((std::string(spec.name) + "Cpu").c_str(), kernel, status);
  } else {
    TF_DeleteKernelBuilder(kernel);
  }
  std::string error = TF_GetCode(status) == TF_OK ? "" : TF_Message(status);
  TF_DeleteStatus(status);
  return error;
}

// Nothing to keep; a static object stands in so the kernel is never null.
void* CreateStateless(TF_OpKernelConstruction* /*ctx*/) {
  static char kernel;
  return &kernel;
}

void DeleteStateless(void* /*kernel*/) {}

}  // namespace tfjs_blocksparse
