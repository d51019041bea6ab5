"""What a PyTorch name the face does not provide raises: an AttributeError that says so.

Each public module of the face (``torch.nn``, ``torch.nn.functional``, ``torch.optim``,
``torch.utils.data``...) ends with ``__getattr__ = _names.missing_in(__name__, doc)``.
"""

from __future__ import annotations

# Names people reach for, with what to do instead.
_HINTS = {
    "RNN": "recurrent layers are not provided",
    "LSTM": "recurrent layers are not provided",
    "GRU": "recurrent layers are not provided",
    "RNNCell": "recurrent layers are not provided",
    "LSTMCell": "recurrent layers are not provided",
    "GRUCell": "recurrent layers are not provided",
    "Transformer": "build it from MultiheadAttention, Linear and LayerNorm",
    "TransformerEncoder": "build it from MultiheadAttention, Linear and LayerNorm",
    "TransformerEncoderLayer": "build it from MultiheadAttention, Linear and LayerNorm",
    "TransformerDecoder": "build it from MultiheadAttention, Linear and LayerNorm",
    "TransformerDecoderLayer": "build it from MultiheadAttention, Linear and LayerNorm",
    "DataParallel": "use nn.parallel.DistributedDataParallel (docs/distributed.md)",
    "LBFGS": "the optimizers are SGD, Adam, AdamW, RMSprop and Adagrad",
}


def missing_in(module: str, doc: str):
    """A module-level ``__getattr__`` for ``module`` whose supported names ``doc`` lists."""
    def __getattr__(name: str):  # noqa: N807 - the module protocol's name
        if name.startswith("__"):
            raise AttributeError(name)
        why = _HINTS.get(name)
        why = f"{why}; {doc} lists what is" if why else f"{doc} lists what is"
        raise AttributeError(f"module '{module}' has no attribute '{name}' (not provided by "
                             f"the PyTorch face: {why})")
    return __getattr__
