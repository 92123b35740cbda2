"""Where a figure is cut and where its badges go: plain geometry on boxes, no browser.

A box is ``{"x", "y", "width", "height"}`` in CSS pixels. ``figures.py`` measures the
page and calls these; ``tests/test_figures.py`` tests them directly too.
"""

#: Margin around what a figure must show, and its smallest width (CSS pixels).
MARGIN = 24
MIN_WIDTH = 560
BADGE_HEIGHT = 30
FRAME_MARGIN = 4


def intersects(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def union(boxes) -> dict:
    left = min(b["x"] for b in boxes)
    top = min(b["y"] for b in boxes)
    right = max(b["x"] + b["width"] for b in boxes)
    bottom = max(b["y"] + b["height"] for b in boxes)
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}


def grow(box: dict, by: float) -> dict:
    return {
        "x": box["x"] - by,
        "y": box["y"] - by,
        "width": box["width"] + 2 * by,
        "height": box["height"] + 2 * by,
    }


def inside(box: dict, area: dict, slack: float = 2) -> bool:
    return (
        box["x"] >= area["x"] + slack
        and box["y"] >= area["y"] + slack
        and box["x"] + box["width"] <= area["x"] + area["width"] - slack
        and box["y"] + box["height"] <= area["y"] + area["height"] - slack
    )


def badge_width(point) -> int:
    return BADGE_HEIGHT + 12 if len(str(point)) > 1 else BADGE_HEIGHT


def badge_candidates(box: dict, width: int, rtl: bool = False) -> list[dict]:
    """Places for a badge on or beside ``box``, best first (reading start first)."""
    frame = grow(box, FRAME_MARGIN)
    height, gap = BADGE_HEIGHT, 6
    left, top = frame["x"], frame["y"]
    right, bottom = left + frame["width"], top + frame["height"]
    middle_y = top + frame["height"] / 2 - height / 2 if box["height"] < 80 else top
    start_x, end_x = (right, left) if rtl else (left, right)
    outside_start = right + gap if rtl else left - gap - width
    outside_end = left - gap - width if rtl else right + gap
    centre_x = left + frame["width"] / 2 - width / 2
    places = [
        (start_x - width / 2, top - height / 2),  # on the top corner where reading starts
        (end_x - width / 2, top - height / 2),  # on the other top corner
        (outside_start, middle_y),  # beside, before it
        (outside_end, middle_y),  # beside, after it
        (centre_x, bottom + gap),  # below
        (centre_x, top - gap - height),  # above
        (start_x - width / 2, bottom - height / 2),  # on the bottom corners
        (end_x - width / 2, bottom - height / 2),
    ]
    return [{"x": x, "y": y, "width": width, "height": height} for x, y in places]


def place_badges(points: list[dict], area: dict, rtl: bool = False) -> list[dict]:
    """For each measured point, the first candidate inside ``area`` that covers nothing else."""
    frames = [grow(p["box"], FRAME_MARGIN) for p in points]
    placed = []
    for index, point in enumerate(points):
        others = [frame for n, frame in enumerate(frames) if n != index]
        candidates = badge_candidates(point["box"], badge_width(point["point"]), rtl)
        chosen = next(
            (
                badge
                for badge in candidates
                if inside(badge, area)
                and not any(intersects(badge, o) for o in point["obstacles"] + others + placed)
            ),
            None,
        )
        if chosen is None:
            raise AssertionError(f"no free place for the badge of point {point['point']}")
        placed.append(chosen)
    return placed


def crop_area(boxes: list[dict], page: dict, texts=(), margin: float = MARGIN) -> dict:
    """The region of the page a figure shows: ``boxes`` with a margin, clamped to the page.

    An edge that would cut through a text or a control (``texts``) moves off it:
    outwards when the element is part of what must be shown, inwards otherwise.
    """
    needed = union(boxes)
    area = grow(needed, margin)
    if area["width"] < MIN_WIDTH:
        area["x"] -= (MIN_WIDTH - area["width"]) / 2
        area["width"] = MIN_WIDTH
    # Widened past a side of the page: slide back in rather than lose the width.
    area["x"] = max(min(area["x"], page["width"] - area["width"]), 0)
    left, top = area["x"], area["y"]
    right, bottom = left + area["width"], top + area["height"]
    n_left, n_top = needed["x"], needed["y"]
    n_right, n_bottom = n_left + needed["width"], n_top + needed["height"]
    for _ in range(3):
        for t in texts:
            t_right, t_bottom = t["x"] + t["width"], t["y"] + t["height"]
            across = t["x"] < right and t_right > left
            along = t["y"] < bottom and t_bottom > top
            if across and t["y"] < top < t_bottom:
                top = t_bottom + 4 if t_bottom + 4 <= n_top else t["y"] - 8
            if across and t["y"] < bottom < t_bottom:
                bottom = t["y"] - 4 if t["y"] - 4 >= n_bottom else t_bottom + 8
            if along and t["x"] < left < t_right:
                left = t_right + 4 if t_right + 4 <= n_left else t["x"] - 8
            if along and t["x"] < right < t_right:
                right = t["x"] - 4 if t["x"] - 4 >= n_right else t_right + 8
    left, top = max(left, 0), max(top, 0)
    right, bottom = min(right, page["width"]), min(bottom, page["height"])
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}


def rounded(box: dict, origin: dict | None = None) -> dict:
    ox, oy = (origin["x"], origin["y"]) if origin else (0, 0)
    return {
        "x": round(box["x"] - ox),
        "y": round(box["y"] - oy),
        "width": round(box["width"]),
        "height": round(box["height"]),
    }
