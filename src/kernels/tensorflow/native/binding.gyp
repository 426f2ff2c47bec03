# Built by scripts/build-native.sh, which passes the directory of the
# libtensorflow_framework that tfjs-node loads:
#   node-gyp rebuild -- -Dtf_lib_dir=...
# No TensorFlow headers: tf_c_api.h declares the C API the addon uses.
# scripts/build-prebuilt.sh builds the same sources for the npm package with
# Zig; keep its flags in step with these.
{
  'variables': {
    'tf_lib_dir%': '',
  },
  'target_defaults': {
    # Node-API 1 covers every call; NODE_GYP_MODULE_NAME comes from node-gyp.
    'defines': ['NAPI_VERSION=1'],
    'cflags_cc': ['-std=c++17', '-O3', '-Wall', '-Wno-psabi', '-fvisibility=hidden'],
    'cflags_cc!': ['-std=gnu++17', '-std=gnu++20', '-O2'],
    'xcode_settings': {
      'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
      'GCC_OPTIMIZATION_LEVEL': '3',
      'GCC_SYMBOLS_PRIVATE_EXTERN': 'YES',
    },
  },
  'targets': [
    {
      'target_name': 'tfjs_blocksparse_native',
      'sources': [
        'addon.cc',
        'op_kernels.cc',
        'op_registration.cc',
        'process_registration.cc',
        'kernel_call.cc',
        'lstm_step_ops.cc',
        'attention_op_checks.cc',
        'attention_ops.cc',
        'fused_attention_ops.cc',
        'block_products.cc',
        'block_products_portable.cc',
        'thread_pool.cc',
        'output_buffers.cc',
      ],
      'conditions': [
        ['target_arch=="x64"', {'dependencies': ['block_products_avx2', 'block_products_avx512']}],
        ['OS=="mac"', {
          # Not built or tested on macOS by this project's CI.
          'libraries': [
            '<(tf_lib_dir)/libtensorflow_framework.2.dylib',
            '-Wl,-rpath,<(tf_lib_dir)',
          ],
        }, {
          'libraries': [
            '-L<(tf_lib_dir)',
            '-l:libtensorflow_framework.so.2',
            '-Wl,-rpath,<(tf_lib_dir)',
            # TensorFlow keeps pointers to the kernels: never unmap them
            # (Node may dlclose an addon a worker thread loaded).
            '-Wl,-z,nodelete',
            # dlopen/dlsym (process_registration.cc) live in libdl before glibc 2.34.
            '-ldl',
            '-pthread',
          ],
        }],
      ],
    },
  ],
  'conditions': [
    ['target_arch=="x64"', {
      'targets': [
        {
          # The only code built for AVX2/FMA; called after a CPUID check.
          'target_name': 'block_products_avx2',
          'type': 'static_library',
          'sources': ['block_products_avx2.cc'],
          'cflags_cc': ['-mavx2', '-mfma', '-fPIC'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx2', '-mfma']},
        },
        {
          # The same with AVX-512 F and VL: 32 vector registers.
          'target_name': 'block_products_avx512',
          'type': 'static_library',
          'sources': ['block_products_avx512.cc'],
          'cflags_cc': ['-mavx2', '-mfma', '-mavx512f', '-mavx512vl', '-fPIC'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx2', '-mfma', '-mavx512f', '-mavx512vl']},
        },
      ],
    }],
  ],
}
