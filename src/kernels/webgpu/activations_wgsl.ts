/**
 * Sigmoid and tanh on vec4<f32> in WGSL, finite and accurate for every
 * finite input. WGSL leaves exp's overflow (|x| past ~88) undefined, and
 * drivers build tanh from e^x and e^-x, which turns NaN once those overflow
 * and loses its relative precision near zero; so both are written here from
 * exp(-|x|) <= 1, with a polynomial for tanh near zero.
 */
export const ACTIVATIONS_WGSL = `
      // 1 / (1 + e) for x >= 0 and e / (1 + e) below, e = exp(-|x|): neither
      // tail subtracts, and exp never overflows.
      fn sigmoidVec4(x : vec4<f32>) -> vec4<f32> {
        let e = exp(-abs(x));
        let positive = 1.0 / (1.0 + e);
        return select(e * positive, positive, x >= vec4<f32>(0.0));
      }

      // Below |x| = 0.625 the odd polynomial of Cephes' tanhf (about 1e-7
      // relative error), where 1 - exp(-2|x|) would cancel; above it,
      // (1 - e) / (1 + e) with e = exp(-|x|)^2 <= 0.29 (squared rather than
      // exp(-2|x|), so -2|x| cannot overflow), exact to rounding.
      fn tanhVec4(x : vec4<f32>) -> vec4<f32> {
        let magnitude = abs(x);
        let root = exp(-magnitude);
        let e = root * root;
        let large = sign(x) * (1.0 - e) / (1.0 + e);
        let z = x * x;
        let small = ((((-5.70498872745e-3 * z + 2.06390887954e-2) * z - 5.37397155531e-2) * z +
            1.33314422036e-1) * z - 3.33332819422e-1) * z * x + x;
        return select(large, small, magnitude < vec4<f32>(0.625));
      }`;
