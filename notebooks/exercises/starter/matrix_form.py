"""Chapter 6: backpropagation in matrix form, with numpy.

The lecture on losses, for y = h(Wσ(Vx)) with squared loss ℓ = ‖h(Wz) − y‖², z = σ(Vx):

    δ = 2(h(Wz) − y) ⊙ h′(Wz),    ∂ℓ/∂W = δ zᵀ,
    ∂ℓ/∂z = Wᵀδ,                  ∂ℓ/∂V = ((Wᵀδ) ⊙ σ′(Vx)) xᵀ

and the δ-recursion lecture's recursion for any depth, δ⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾) ⊙ Θ′(S⁽ˡ⁾),
∂ℓ/∂W⁽ˡ⁾ = δ⁽ˡ⁾ x⁽ˡ⁻¹⁾ᵀ. (The lecture on the δ recursion writes Ŵ⁽ˡ⁺¹⁾ for our W⁽ˡ⁺¹⁾ᵀ: its
w_ij goes from node i to node j, our W[j, i] does.)

Here σ = tanh (σ′ = 1 − tanh²), h is the identity (h′ = 1), and there are no
biases. Shapes: x has d entries, V is M×d, W is K×M, y has K entries.

Check your work:  SWEEPGRAD_EXERCISES=starter pytest tests/exercises -m exercise_6_1
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# --- Exercise 6.1: two layers ---------------------------------------------------------------


def two_layer_gradients(
    V: np.ndarray, W: np.ndarray, x: np.ndarray, y: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """Exercise 6.1: (ℓ, ∂ℓ/∂V, ∂ℓ/∂W) for ℓ = ‖W tanh(Vx) − y‖², by the formulas above."""
    raise NotImplementedError(
        "Exercise 6.1: implement matrix_form.two_layer_gradients (read its docstring)"
    )


# --- Exercise 6.2: any depth -------------------------------------------------------------------


def deep_gradients(
    weights: Sequence[np.ndarray], x: np.ndarray, y: np.ndarray
) -> tuple[float, list[np.ndarray]]:
    """Exercise 6.2: (ℓ, [∂ℓ/∂W⁽¹⁾, …, ∂ℓ/∂W⁽ᴸ⁾]) for x⁽ˡ⁾ = tanh(W⁽ˡ⁾x⁽ˡ⁻¹⁾), linear last layer.

    Forward: x⁽⁰⁾ = x, S⁽ˡ⁾ = W⁽ˡ⁾x⁽ˡ⁻¹⁾, x⁽ˡ⁾ = tanh(S⁽ˡ⁾) for l < L and
    x⁽ᴸ⁾ = S⁽ᴸ⁾; ℓ = ‖x⁽ᴸ⁾ − y‖². Store every x⁽ˡ⁾. Backward: δ⁽ᴸ⁾ = 2(x⁽ᴸ⁾ − y),
    then δ⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀδ⁽ˡ⁺¹⁾) ⊙ (1 − x⁽ˡ⁾²) going down, and
    ∂ℓ/∂W⁽ˡ⁾ = δ⁽ˡ⁾ x⁽ˡ⁻¹⁾ᵀ. A loop over layers, no recursion.
    """
    raise NotImplementedError(
        "Exercise 6.2: implement matrix_form.deep_gradients (read its docstring)"
    )
