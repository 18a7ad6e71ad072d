"""``sweepgrad draw``: an expression's computation graph, for slides.

    sweepgrad draw "tanh(x*w + b)" --set x=2 --set w=-3 --set b=6.88 -o neuron.svg

builds the expression (parsed safely by ``engine.app.expression``), runs
``backward()`` from it, and writes the drawing; ``--steps out.gif`` also
writes the backward sweep step by step as an animated GIF.
"""

from __future__ import annotations

import argparse


def parse_assignment(text: str) -> tuple[str, float]:
    """``"x=2"`` → ``("x", 2.0)``, or a ValueError saying what is expected."""
    name, sep, number = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ValueError(f"--set {text!r}: write NAME=NUMBER, for example --set x=2")
    try:
        return name, float(number)
    except ValueError:
        raise ValueError(f"--set {text!r}: {number.strip()!r} is not a number") from None


def run(args: argparse.Namespace) -> int:
    from engine import topological_order
    from engine.app.expression import build_expression, variable_names
    from engine.drawing import DrawOptions, render, save_backward_animation

    values = dict(parse_assignment(text) for text in args.set)
    names = variable_names(args.expression)
    unused = [name for name in values if name not in names]
    if unused:
        raise ValueError(
            f"--set {', '.join(unused)}: not in the expression {args.expression!r} "
            f"(its variables: {', '.join(names) or 'none'})"
        )
    root = build_expression(args.expression, values)
    root.backward()
    leaves = {
        node.label: node
        for node in topological_order(root)
        if not node.parents and node.label is not None
    }
    parameters = None
    if args.parameters is not None:
        chosen = [name.strip() for name in args.parameters.split(",") if name.strip()]
        missing = [name for name in chosen if name not in leaves]
        if missing:
            raise ValueError(
                f"--parameters {', '.join(missing)}: not variables of the expression "
                f"(its variables: {', '.join(names)})"
            )
        parameters = [leaves[name] for name in chosen]
    options = DrawOptions(
        show_grads=not args.no_grads,
        show_local_grads=not args.no_local_grads,
        number_format=args.number_format,
        rankdir=args.rankdir,
        parameters=tuple(parameters or ()),
        number_steps=args.number_steps,
    )
    path = render(root, args.output, options=options)
    print(f"{args.expression} = {root.data:.6g}; graph drawn to {path}")
    if args.steps:
        gif = save_backward_animation(root, args.steps, options)
        print(f"backward sweep, step by step, animated in {gif}")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "draw",
        help="draw an expression's computation graph after backward()",
        description=__doc__.split("\n\n")[1].strip() if __doc__ else None,
    )
    parser.add_argument("expression", help='for example "tanh(x*w + b)"')
    parser.add_argument("--set", action="append", default=[], metavar="NAME=NUMBER",
                        help="a variable's value (repeat for each variable)")
    parser.add_argument("-o", "--output", default="graph.svg",
                        help="the image to write: .svg, .png or .pdf (default: graph.svg)")
    parser.add_argument("--rankdir", choices=("LR", "TB"), default="LR",
                        help="left to right or top to bottom (default: LR)")
    parser.add_argument("--number-format", default=".4g", metavar="SPEC",
                        help="format spec for numbers (default: .4g)")
    parser.add_argument("--parameters", metavar="NAMES",
                        help="comma-separated variables to colour as parameters, for "
                        "example w,b (the others are inputs)")
    parser.add_argument("--no-grads", action="store_true", help="hide the gradients")
    parser.add_argument("--no-local-grads", action="store_true",
                        help="hide the local derivatives on the edges")
    parser.add_argument("--number-steps", action="store_true",
                        help="number each node by its step in the backward sweep")
    parser.add_argument("--steps", metavar="GIF",
                        help="also write the backward sweep step by step as an animated GIF")
    parser.set_defaults(run=run)
