# Built by scripts/build-native.sh, which passes the directories of
# libtensorflow and its C API headers:
#   node-gyp rebuild -- -Dtf_lib_dir=... -Dtf_include_dir=...
{
  'variables': {
    'tf_lib_dir%': '',
    'tf_include_dir%': '',
  },
  'target_defaults': {
    'cflags_cc': ['-std=c++17', '-O3', '-Wall', '-Wno-psabi'],
    'cflags_cc!': ['-std=gnu++17', '-std=gnu++20', '-O2'],
    'include_dirs': ['<(tf_include_dir)'],
  },
  'targets': [
    {
      'target_name': 'tfjs_blocksparse_native',
      'sources': [
        'addon.cc',
        'op_kernels.cc',
        'op_registration.cc',
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
      'libraries': [
        '-L<(tf_lib_dir)',
        '-l:libtensorflow_framework.so.2',
        '-Wl,-rpath,<(tf_lib_dir)',
        '-pthread',
      ],
      'conditions': [
        ['target_arch=="x64"', {'dependencies': ['block_products_avx2', 'block_products_avx512']}],
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
        },
        {
          # The same with AVX-512 F and VL: 32 vector registers.
          'target_name': 'block_products_avx512',
          'type': 'static_library',
          'sources': ['block_products_avx512.cc'],
          'cflags_cc': ['-mavx2', '-mfma', '-mavx512f', '-mavx512vl', '-fPIC'],
        },
      ],
    }],
  ],
}
