// SPDX-License-Identifier: GPL-2.0
/*
 * kmc: the misc device /dev/kmc, its permission check and its commands.
 *
 * read:  the facts, one "key value [detail]" per line (docs/kmod.md)
 * write: one command per write(2):
 *	watch PID OFFSET	observe disable_fb_clear of PID's vCPUs (VMX)
 *	unwatch			stop observing (the observations stay readable)
 *	verw [SAMPLES [CPU]]	time VERW with FB_CLEAR_DIS clear and set
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kmc.h"

#define KMC_CMD_MAX	128

static struct kmc kmc_dev;

static char *probe_target = "vmx";
module_param(probe_target, charp, 0444);
MODULE_PARM_DESC(probe_target,
		 "vmx (default): observe disable_fb_clear; svm: only to test the probes on AMD");

int kmc_fail(struct kmc *k, int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(k->last_msg, sizeof(k->last_msg), fmt, args);
	va_end(args);
	k->last_err = err;
	pr_info("%s (%d)\n", k->last_msg, err);
	return err;
}

static void kmc_ok(struct kmc *k)
{
	k->last_err = 0;
	k->last_msg[0] = '\0';
}

static int kmc_show(struct seq_file *m, void *unused)
{
	struct kmc *k = m->private;

	mutex_lock(&k->lock);
	kmc_show_facts(m, k);
	mutex_unlock(&k->lock);
	return 0;
}

/*
 * Room for one snapshot, so that seq_read() need not call kmc_show() again
 * (and read every CPU's MSRs again) with a bigger buffer: the fixed part is
 * under 4 KiB, each online CPU adds 3 MSR lines, each vCPU slot 9 lines
 * (a CPU coming online in between only costs seq_read() a retry).
 */
static size_t kmc_facts_size(void)
{
	return 8192 + num_online_cpus() * 3 * 48 + KMC_VMX_SLOTS * 9 * 64;
}

static int kmc_open(struct inode *inode, struct file *file)
{
	int err;

	if (!capable(CAP_SYS_ADMIN) && !capable(CAP_SYS_RAWIO)) {
		pr_info_ratelimited("open by pid %d refused: needs CAP_SYS_ADMIN or CAP_SYS_RAWIO\n",
				    task_tgid_nr(current));
		return -EPERM;
	}
	/* misc_open() left the miscdevice here; seq_open() wants it empty. */
	file->private_data = NULL;
	err = single_open_size(file, kmc_show, &kmc_dev, kmc_facts_size());
	if (err)
		pr_info_ratelimited("open by pid %d failed (%d)\n", task_tgid_nr(current), err);
	return err;
}

/* kmc_get_pid: PID in the caller's namespace, 0 for the caller itself. */
static int kmc_get_pid(struct kmc *k, const char *arg, struct pid **out)
{
	struct task_struct *task;
	struct pid *pid;
	int nr;

	if (!arg || kstrtoint(arg, 0, &nr) || nr < 0)
		return kmc_fail(k, -EINVAL, "watch: bad PID '%s'", arg ? arg : "");
	if (nr == 0) {
		*out = get_pid(task_tgid(current));
		return 0;
	}
	pid = find_get_pid(nr);
	if (!pid)
		return kmc_fail(k, -ESRCH, "watch: no process %d", nr);
	rcu_read_lock();
	task = pid_task(pid, PIDTYPE_TGID);
	rcu_read_unlock();
	if (!task) {
		put_pid(pid);
		return kmc_fail(k, -ESRCH, "watch: %d is not a thread group leader", nr);
	}
	*out = pid;
	return 0;
}

/* kmc_arg: the next blank-separated word of *args, NULL if none is left. */
static char *kmc_arg(char **args)
{
	if (!*args)
		return NULL;
	*args = skip_spaces(*args);
	if (!**args) {
		*args = NULL;
		return NULL;
	}
	return strsep(args, " \t");
}

static int kmc_cmd_watch(struct kmc *k, char *args)
{
	char *pid_arg = kmc_arg(&args);
	char *off_arg = kmc_arg(&args);
	unsigned long offset;
	struct pid *pid;
	int err;

	if (!off_arg || kmc_arg(&args))
		return kmc_fail(k, -EINVAL, "watch: usage: watch PID OFFSET");
	if (kstrtoul(off_arg, 0, &offset))
		return kmc_fail(k, -EINVAL, "watch: bad OFFSET '%s'", off_arg);
	err = kmc_get_pid(k, pid_arg, &pid);
	if (err)
		return err;
	err = kmc_vmx_watch(k, pid, offset);
	put_pid(pid);
	return err;
}

static int kmc_cmd_verw(struct kmc *k, char *args)
{
	char *n_arg = kmc_arg(&args);
	char *cpu_arg = kmc_arg(&args);
	unsigned int n = KMC_VERW_DEF_SAMPLES;
	int cpu = -1;

	if (kmc_arg(&args))
		return kmc_fail(k, -EINVAL, "verw: usage: verw [SAMPLES [CPU]]");
	if (n_arg && kstrtouint(n_arg, 0, &n))
		return kmc_fail(k, -EINVAL, "verw: bad SAMPLES '%s'", n_arg);
	if (cpu_arg && kstrtoint(cpu_arg, 0, &cpu))
		return kmc_fail(k, -EINVAL, "verw: bad CPU '%s'", cpu_arg);
	return kmc_verw_run(k, n, cpu);
}

static int kmc_command(struct kmc *k, char *line)
{
	char *args = strim(line);
	char *cmd = kmc_arg(&args);
	int err;

	if (!cmd)
		return kmc_fail(k, -EINVAL, "empty command (watch, unwatch, verw)");
	if (!strcmp(cmd, "watch")) {
		err = kmc_cmd_watch(k, args);
	} else if (!strcmp(cmd, "unwatch")) {
		if (kmc_arg(&args))
			return kmc_fail(k, -EINVAL, "unwatch: takes no argument");
		kmc_vmx_unwatch(&k->vmx);
		err = 0;
	} else if (!strcmp(cmd, "verw")) {
		err = kmc_cmd_verw(k, args);
	} else {
		err = kmc_fail(k, -EINVAL, "unknown command '%.32s' (watch, unwatch, verw)", cmd);
	}
	if (!err)
		kmc_ok(k);
	return err;
}

static ssize_t kmc_write(struct file *file, const char __user *buf,
			 size_t len, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct kmc *k = m->private;
	char *line;
	int err;

	/* the writer too: an fd opened by root and handed on must not command */
	if (!capable(CAP_SYS_ADMIN) && !capable(CAP_SYS_RAWIO)) {
		pr_info_ratelimited("write by pid %d refused: needs CAP_SYS_ADMIN or CAP_SYS_RAWIO\n",
				    task_tgid_nr(current));
		return -EPERM;
	}
	if (len == 0 || len >= KMC_CMD_MAX) {
		mutex_lock(&k->lock);
		err = kmc_fail(k, -EINVAL, "command of %zu bytes (1 to %d)", len, KMC_CMD_MAX - 1);
		mutex_unlock(&k->lock);
		return err;
	}
	line = memdup_user_nul(buf, len);
	mutex_lock(&k->lock);
	if (IS_ERR(line)) {
		err = kmc_fail(k, PTR_ERR(line), "cannot copy a command of %zu bytes", len);
		mutex_unlock(&k->lock);
		return err;
	}
	err = kmc_command(k, line);
	mutex_unlock(&k->lock);
	kfree(line);
	return err ? err : len;
}

static const struct file_operations kmc_fops = {
	.owner		= THIS_MODULE,
	.open		= kmc_open,
	.read		= seq_read,
	.write		= kmc_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/*
 * World-readable so that the capability check in kmc_open() is what refuses
 * an unprivileged reader (EPERM), not the file mode; only root may write.
 */
static struct miscdevice kmc_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "kmc",
	.fops	= &kmc_fops,
	.mode	= 0644,
};

static int __init kmc_init(void)
{
	int err;

	mutex_init(&kmc_dev.lock);
	err = kmc_vmx_init(&kmc_dev.vmx, probe_target);
	if (err)
		return err;
	err = misc_register(&kmc_misc);
	if (err) {
		pr_err("cannot register /dev/%s (%d)\n", kmc_misc.name, err);
		return err;
	}
	return 0;
}

static void __exit kmc_exit(void)
{
	misc_deregister(&kmc_misc);
	kmc_vmx_unwatch(&kmc_dev.vmx);
	mutex_destroy(&kmc_dev.lock);
}

module_init(kmc_init);
module_exit(kmc_exit);

MODULE_DESCRIPTION("Host facts for the KVM mitigation conformance harness (kmc)");
MODULE_LICENSE("GPL");
