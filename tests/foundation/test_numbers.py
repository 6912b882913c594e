from datetime import date

from jubao.cases import numbers


def test_generated_numbers_carry_prefix_date_and_a_valid_check_digit():
    number = numbers.generate(numbers.CASE_PREFIX, date(2026, 10, 1))
    assert number.startswith("AJ261001") and len(number) == 16
    assert numbers.is_valid(number, numbers.CASE_PREFIX)


def test_every_single_digit_typo_and_adjacent_swap_is_caught():
    number = numbers.generate(numbers.REPORT_PREFIX, date(2026, 2, 14))
    digits = number[2:]
    for position in range(len(digits)):
        for replacement in "0123456789":
            if replacement != digits[position]:
                typo = number[:2] + digits[:position] + replacement + digits[position + 1:]
                assert not numbers.is_valid(typo)
    for position in range(len(digits) - 1):
        if digits[position] != digits[position + 1]:
            swapped = list(digits)
            swapped[position], swapped[position + 1] = swapped[position + 1], swapped[position]
            assert not numbers.is_valid(number[:2] + "".join(swapped))


def test_numbers_are_accepted_as_people_type_or_read_them():
    number = numbers.generate(numbers.CASE_PREFIX, date(2026, 11, 23))
    spoken = numbers.display(number).lower().replace("-", " ")
    assert numbers.normalise(spoken) == number
    assert numbers.is_valid(spoken)


def test_numbers_are_not_sequential():
    day = date(2026, 11, 23)
    generated = [numbers.generate(numbers.CASE_PREFIX, day) for _ in range(50)]
    assert len(set(generated)) == 50
    assert generated != sorted(generated)
